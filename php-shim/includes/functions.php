<?php
/**
 * spamgate: the plugin's pure logic (no WordPress calls, no I/O), so that
 * phpunit can test it without WordPress. Nothing here sends mail or
 * decides a recipient; it only shapes what the plugin hands to spamgate.
 *
 * @package spamgate
 */

/**
 * The comment form token: "<unix time>.<hex HMAC-SHA256(secret, decimal time)>".
 * spamgate checks the MAC and the age (TOO_FAST, NO_TOKEN).
 *
 * @param string $secret The shared secret (SPAMGATE_SECRET).
 * @param int    $time   Unix time the form is rendered at.
 * @return string The token.
 */
function spamgate_make_token( $secret, $time ) {
	$stamp = (string) (int) $time;
	return $stamp . '.' . hash_hmac( 'sha256', $stamp, $secret );
}

/**
 * A form's honeypot field (visually hidden, skipped by the keyboard, never
 * autofilled) and hidden token field, as HTML.
 *
 * @param string $token From spamgate_make_token().
 * @param string $label The honeypot's label (translated by the caller).
 * @param string $id    The honeypot's HTML id (unique on the page).
 * @return string
 */
function spamgate_form_fields_html( $token, $label = 'Leave this field empty', $id = 'sg_website' ) {
	$id = htmlspecialchars( $id, ENT_QUOTES );
	return '<p class="sg-website" aria-hidden="true" style="position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden">'
		. '<label for="' . $id . '">' . htmlspecialchars( $label, ENT_QUOTES ) . '</label>'
		. '<input type="text" name="sg_website" id="' . $id . '" value="" tabindex="-1" autocomplete="off"></p>'
		. '<input type="hidden" name="sg_token" value="' . htmlspecialchars( $token, ENT_QUOTES ) . '">' . "\n";
}

/**
 * What a form plugin should do with a submission, given spamgate's verdict
 * (the same rule as for comments, spamgate_comment_approval()):
 * 'trusted' (the user may moderate comments) and 'pass' leave the form
 * plugin's decision; 'hold' and 'bypass' (no verdict: the request did not
 * pass spamgate) make it spam. 'unscored': spamgate forwarded the request
 * without scoring it (SPAMGATE_UNSCORED=1: the owner turned that form's
 * preset off), so the plugin's decision stands.
 *
 * @param string|null $verdict  $_SERVER['SPAMGATE_VERDICT'] or null.
 * @param bool        $trusted  The user may moderate comments.
 * @param bool        $unscored $_SERVER['SPAMGATE_UNSCORED'] is "1".
 * @return string trusted|pass|hold|unscored|bypass.
 */
function spamgate_form_outcome( $verdict, $trusted, $unscored = false ) {
	if ( $trusted ) {
		return 'trusted';
	}
	if ( 'pass' === $verdict || 'hold' === $verdict ) {
		return $verdict;
	}
	return $unscored ? 'unscored' : 'bypass';
}

/**
 * The reason a form plugin logs for a submission spamgate made spam
 * (Contact Form 7's spam log, Gravity Forms' spam filter, the WPForms log).
 *
 * @param string $outcome 'hold' or 'bypass'.
 * @param string $rules   $_SERVER['SPAMGATE_RULES'] ('' when none).
 * @param string $id      $_SERVER['SPAMGATE_ID'] ('' when none).
 * @return string One line of plain text.
 */
function spamgate_form_spam_reason( $outcome, $rules, $id ) {
	if ( 'hold' !== $outcome ) {
		return 'spamgate: the submission reached WordPress without passing spamgate (check the web server routes it to spamgate)';
	}
	$rules = trim( preg_replace( '/[^A-Za-z0-9_.:,\- ]/', '', (string) $rules ) );
	$id    = preg_replace( '/[^0-9a-f]/', '', (string) $id );
	return 'spamgate held this submission'
		. ( '' === $rules ? '' : ' (rules: ' . str_replace( ',', ', ', str_replace( ' ', '', $rules ) ) . ')' )
		. ( '' === $id ? '' : '; spamgate id ' . $id );
}

/**
 * Splits wp_mail()'s $headers (a string with one header per line, or an
 * array of lines) into [name, value] pairs. Continuation lines are unfolded;
 * lines without a colon are dropped. Names keep their case.
 *
 * @param string|array $headers As given to wp_mail().
 * @return array List of array( name, value ).
 */
function spamgate_parse_headers( $headers ) {
	if ( empty( $headers ) ) {
		return array();
	}
	$text  = is_array( $headers ) ? implode( "\n", array_map( 'strval', $headers ) ) : (string) $headers;
	$lines = preg_split( '/\r\n|\r|\n/', $text );
	$out   = array();
	foreach ( $lines as $line ) {
		if ( '' === trim( $line ) ) {
			continue;
		}
		if ( ( ' ' === $line[0] || "\t" === $line[0] ) && ! empty( $out ) ) {
			$out[ count( $out ) - 1 ][1] .= ' ' . trim( $line );
			continue;
		}
		$colon = strpos( $line, ':' );
		if ( false === $colon || 0 === $colon ) {
			continue;
		}
		$out[] = array( trim( substr( $line, 0, $colon ) ), trim( substr( $line, $colon + 1 ) ) );
	}
	return $out;
}

/**
 * The values of every header named $name (case-insensitive).
 *
 * @param array  $parsed From spamgate_parse_headers().
 * @param string $name   Header name.
 * @return array List of values.
 */
function spamgate_header_values( array $parsed, $name ) {
	$values = array();
	foreach ( $parsed as $pair ) {
		if ( 0 === strcasecmp( $pair[0], $name ) ) {
			$values[] = $pair[1];
		}
	}
	return $values;
}

/**
 * The addr-spec of one mailbox: "a@b.example" or "Name <a@b.example>".
 * Returns null for anything else: several addresses, control or
 * line-separator characters, encoded words, an address PHP's validator
 * rejects.
 *
 * @param string $mailbox One mailbox.
 * @return string|null The address, or null.
 */
function spamgate_extract_address( $mailbox ) {
	$mailbox = trim( (string) $mailbox );
	if ( '' === $mailbox || preg_match( '/[\x00-\x1f\x7f]|\xc2\x85|\xe2\x80[\xa8\xa9]|=\?/', $mailbox ) ) {
		return null;
	}
	if ( preg_match( '/^[^<>]*<([^<>]+)>$/', $mailbox, $m ) ) {
		$mailbox = trim( $m[1] );
	}
	if ( strlen( $mailbox ) > 254 || false === filter_var( $mailbox, FILTER_VALIDATE_EMAIL ) ) {
		return null;
	}
	return $mailbox;
}

/**
 * Splits wp_mail()'s $to (comma-separated string or array) into mailboxes
 * and extracts each address. Commas inside a quoted display name are kept.
 *
 * @param string|array $to As given to wp_mail().
 * @return array array( 'valid' => list of addresses, 'invalid' => count ).
 */
function spamgate_parse_recipients( $to ) {
	$items = array();
	foreach ( (array) $to as $entry ) {
		$parts = preg_split( '/,(?=(?:[^"]*"[^"]*")*[^"]*$)/', (string) $entry );
		foreach ( $parts as $part ) {
			if ( '' !== trim( $part ) ) {
				$items[] = $part;
			}
		}
	}
	$valid   = array();
	$invalid = 0;
	foreach ( $items as $item ) {
		$address = spamgate_extract_address( $item );
		if ( null === $address ) {
			++$invalid;
		} elseif ( ! in_array( $address, $valid, true ) ) {
			$valid[] = $address;
		}
	}
	return array(
		'valid'   => $valid,
		'invalid' => $invalid,
	);
}

/**
 * The Reply-To address: set only when the headers hold exactly one
 * Reply-To header with exactly one valid address.
 *
 * @param array $parsed From spamgate_parse_headers().
 * @return string|null The address, or null.
 */
function spamgate_reply_to( array $parsed ) {
	$values = spamgate_header_values( $parsed, 'Reply-To' );
	if ( 1 !== count( $values ) || false !== strpos( $values[0], ',' ) ) {
		return null;
	}
	return spamgate_extract_address( $values[0] );
}

/**
 * The message as plain text: an HTML body (Content-Type text/html in the
 * headers) loses its tags and entities; a plain one is returned unchanged.
 *
 * @param string $message The wp_mail() message.
 * @param array  $parsed  From spamgate_parse_headers().
 * @return string Plain text.
 */
function spamgate_message_text( $message, array $parsed ) {
	$type = spamgate_header_values( $parsed, 'Content-Type' );
	if ( empty( $type ) || false === stripos( $type[0], 'text/html' ) ) {
		return (string) $message;
	}
	$text = preg_replace( '@<(script|style)[^>]*?>.*?</\\1>@si', '', (string) $message );
	$text = preg_replace( '@<br\s*/?>|</p>|</div>|</li>|</h[1-6]>|</tr>@i', "\n", $text );
	$text = html_entity_decode( strip_tags( $text ), ENT_QUOTES | ENT_HTML5, 'UTF-8' );
	return trim( preg_replace( "/\n{3,}/", "\n\n", $text ) );
}

/**
 * The bodies for POST /spamgate/notify, one per recipient address of a
 * wp_mail() call. From, Cc, Bcc and every other header are dropped: the
 * sender is spamgate's SMTP account and spamgate checks each recipient
 * against its allowlist. Attachments are not sent; the text says so.
 *
 * @param array $atts wp_mail()'s array( to, subject, message, headers, attachments ).
 * @return array array( 'payloads' => list of arrays, 'error' => '' or a reason ).
 */
function spamgate_build_notify_payloads( array $atts ) {
	$recipients = spamgate_parse_recipients( isset( $atts['to'] ) ? $atts['to'] : '' );
	if ( empty( $recipients['valid'] ) ) {
		return array(
			'payloads' => array(),
			'error'    => 'no valid recipient address',
		);
	}
	$parsed = spamgate_parse_headers( isset( $atts['headers'] ) ? $atts['headers'] : '' );
	$text   = spamgate_message_text( isset( $atts['message'] ) ? $atts['message'] : '', $parsed );
	$files  = isset( $atts['attachments'] ) ? array_filter( (array) $atts['attachments'] ) : array();
	if ( ! empty( $files ) ) {
		$text .= "\n\n[" . count( $files ) . ' attachment(s) not sent: spamgate sends text only]';
	}
	$base = array(
		'subject' => isset( $atts['subject'] ) ? (string) $atts['subject'] : '',
		'text'    => $text,
	);
	$reply_to = spamgate_reply_to( $parsed );
	if ( null !== $reply_to ) {
		$base['reply_to'] = $reply_to;
	}
	$payloads = array();
	foreach ( $recipients['valid'] as $address ) {
		$payloads[] = $base + array( 'recipient' => $address );
	}
	return array(
		'payloads' => $payloads,
		'error'    => $recipients['invalid'] > 0 ? 'skipped ' . $recipients['invalid'] . ' invalid recipient(s)' : '',
	);
}

/**
 * What WordPress should do with a new comment, given spamgate's verdict.
 *
 * - trusted (the user may moderate comments): WordPress's decision stands.
 * - "pass": WordPress's decision stands.
 * - "hold": held as $hold_as ("spam", or "pending" = '0'), unless WordPress
 *   was already stricter (spam, trash, or an error object).
 * - anything else (no verdict): spamgate was bypassed; held the same way.
 *
 * @param string|null $verdict     $_SERVER['SPAMGATE_VERDICT'] or null.
 * @param mixed       $wp_approved WordPress's value: 1, 0, 'spam', 'trash' or a WP_Error.
 * @param string      $hold_as     'spam' or 'pending'.
 * @param bool        $trusted     The commenter may moderate comments.
 * @return array array( 'approved' => value for WordPress, 'outcome' => pass|hold|bypass|trusted ).
 */
function spamgate_comment_approval( $verdict, $wp_approved, $hold_as, $trusted ) {
	if ( $trusted ) {
		return array(
			'approved' => $wp_approved,
			'outcome'  => 'trusted',
		);
	}
	if ( 'pass' === $verdict ) {
		return array(
			'approved' => $wp_approved,
			'outcome'  => 'pass',
		);
	}
	$outcome = ( 'hold' === $verdict ) ? 'hold' : 'bypass';
	$held    = ( 'pending' === $hold_as ) ? 0 : 'spam';
	if ( is_object( $wp_approved ) || 'spam' === $wp_approved || 'trash' === $wp_approved ) {
		$held = $wp_approved;
	}
	return array(
		'approved' => $held,
		'outcome'  => $outcome,
	);
}

/**
 * The feedback a comment status change means to spamgate, or null for a
 * change it does not learn from. Statuses are WordPress's transition names
 * (approved, unapproved, spam, trash, delete).
 *
 * @param string $new_status The new status.
 * @param string $old_status The old status.
 * @return string|null 'spam', 'ham', 'approve' or null.
 */
function spamgate_feedback_decision( $new_status, $old_status ) {
	if ( $new_status === $old_status ) {
		return null;
	}
	if ( 'spam' === $new_status ) {
		return 'spam';
	}
	if ( 'spam' === $old_status && ( 'approved' === $new_status || 'unapproved' === $new_status ) ) {
		return 'ham';
	}
	if ( 'approved' === $new_status && 'unapproved' === $old_status ) {
		return 'approve';
	}
	return null;
}

/**
 * Sums the per-day counts of parsed stats.
 *
 * @param array $stats From Spamgate_Api_Answers::stats().
 * @return array array( 'pass' => n, 'hold' => n, 'reject' => n, 'discard' => n, 'days' => n ).
 */
function spamgate_stats_totals( array $stats ) {
	$totals = array(
		'pass'    => 0,
		'hold'    => 0,
		'reject'  => 0,
		'discard' => 0,
		'days'    => count( $stats['days'] ),
	);
	foreach ( $stats['days'] as $day ) {
		foreach ( array( 'pass', 'hold', 'reject', 'discard' ) as $key ) {
			$totals[ $key ] += $day[ $key ];
		}
	}
	return $totals;
}

/**
 * The first $max bytes of a UTF-8 string, cut before a character that
 * would not fit whole (WordPress refuses to store a broken character).
 *
 * @param string $text UTF-8 text.
 * @param int    $max  Bytes.
 * @return string
 */
function spamgate_cut_bytes( $text, $max ) {
	$text = (string) $text;
	if ( strlen( $text ) <= $max ) {
		return $text;
	}
	$end = $max;
	while ( $end > 0 && 0x80 === ( ord( $text[ $end ] ) & 0xC0 ) ) {
		--$end;
	}
	return substr( $text, 0, $end );
}
