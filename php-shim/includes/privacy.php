<?php
/**
 * spamgate: WordPress's privacy tools (Tools > Export / Erase Personal
 * Data) for what spamgate keeps about a person, found by e-mail address:
 * the submissions it blocked (GET /spamgate/personal-data) and the
 * moderation decisions it learned from; erasing goes to
 * POST /spamgate/personal-data/erase, and spamgate unlearns them. Also the
 * suggested text for the site's privacy policy.
 *
 * @package spamgate
 */

/**
 * The wp_privacy_personal_data_exporters filter: adds spamgate's exporter.
 *
 * @param array $exporters Registered exporters.
 * @return array
 */
function spamgate_privacy_register_exporter( $exporters ) {
	$exporters['spamgate'] = array(
		'exporter_friendly_name' => __( 'spamgate', 'spamgate' ),
		'callback'               => 'spamgate_privacy_export',
	);
	return $exporters;
}
add_filter( 'wp_privacy_personal_data_exporters', 'spamgate_privacy_register_exporter' );

/**
 * The wp_privacy_personal_data_erasers filter: adds spamgate's eraser.
 *
 * @param array $erasers Registered erasers.
 * @return array
 */
function spamgate_privacy_register_eraser( $erasers ) {
	$erasers['spamgate'] = array(
		'eraser_friendly_name' => __( 'spamgate', 'spamgate' ),
		'callback'             => 'spamgate_privacy_erase',
	);
	return $erasers;
}
add_filter( 'wp_privacy_personal_data_erasers', 'spamgate_privacy_register_eraser' );

/**
 * Validates GET /spamgate/personal-data's answer: {submissions: [ITEM],
 * decisions: [{id, created_at, submission_id, comment_id, decision,
 * author, email, url, ip, body, kind, subject, source}], mails: [{id,
 * created_at, kind, status, subject, sent_at, message}]} (mails: the
 * outbox's messages that mention the address, e.g. a contact message).
 *
 * @param string $json The response body.
 * @return array|null array( 'submissions' => items, 'decisions' => list, 'mails' => list ), or null when malformed.
 */
function spamgate_parse_personal_data( $json ) {
	$data = json_decode( (string) $json, true );
	if ( ! is_array( $data ) || ! isset( $data['submissions'], $data['decisions'] ) || ! is_array( $data['submissions'] ) || ! is_array( $data['decisions'] ) ) {
		return null;
	}
	$submissions = array();
	foreach ( $data['submissions'] as $raw ) {
		$item = spamgate_parse_submission( $raw );
		if ( null === $item ) {
			return null;
		}
		$submissions[] = $item;
	}
	$decisions = array();
	foreach ( $data['decisions'] as $raw ) {
		if ( ! is_array( $raw ) || ! isset( $raw['id'] ) || ! is_scalar( $raw['id'] ) ) {
			return null;
		}
		$decision = array(
			'id'         => (string) $raw['id'],
			'created_at' => (int) spamgate_json_int_or_null( $raw, 'created_at' ),
			'comment_id' => (int) spamgate_json_int_or_null( $raw, 'comment_id' ),
		);
		foreach ( array( 'submission_id', 'decision', 'author', 'email', 'url', 'ip', 'body', 'kind', 'subject', 'source' ) as $key ) {
			$decision[ $key ] = spamgate_json_string( $raw, $key );
		}
		$decisions[] = $decision;
	}
	$mails = array();
	foreach ( isset( $data['mails'] ) && is_array( $data['mails'] ) ? $data['mails'] : array() as $raw ) {
		if ( ! is_array( $raw ) || ! isset( $raw['id'] ) || ! is_scalar( $raw['id'] ) ) {
			return null;
		}
		$mail = array(
			'id'         => (string) $raw['id'],
			'created_at' => (int) spamgate_json_int_or_null( $raw, 'created_at' ),
		);
		foreach ( array( 'kind', 'status', 'subject', 'message' ) as $key ) {
			$mail[ $key ] = spamgate_json_string( $raw, $key );
		}
		$mails[] = $mail;
	}
	return array(
		'submissions' => $submissions,
		'decisions'   => $decisions,
		'mails'       => $mails,
	);
}

/**
 * One outbox message as an item of the export group "spamgate: mail".
 *
 * @param array $mail From spamgate_parse_personal_data().
 * @return array
 */
function spamgate_privacy_mail_export( array $mail ) {
	return array(
		'group_id'          => 'spamgate-mail',
		'group_label'       => __( 'spamgate: mail', 'spamgate' ),
		'group_description' => __( 'Mail spamgate sent or is sending to the site owners that mentions this address, such as a contact form message.', 'spamgate' ),
		'item_id'           => 'spamgate-mail-' . $mail['id'],
		'data'              => spamgate_privacy_fields(
			array(
				__( 'Queued', 'spamgate' )  => spamgate_privacy_time( $mail['created_at'] ),
				__( 'Kind', 'spamgate' )    => $mail['kind'],
				__( 'Status', 'spamgate' )  => $mail['status'],
				__( 'Subject', 'spamgate' ) => $mail['subject'],
				__( 'Message', 'spamgate' ) => $mail['message'],
			)
		),
	);
}

/**
 * The name => value pairs of an export item, leaving out empty values.
 *
 * @param array $pairs Name => value.
 * @return array List of array( 'name', 'value' ).
 */
function spamgate_privacy_fields( array $pairs ) {
	$data = array();
	foreach ( $pairs as $name => $value ) {
		if ( '' !== (string) $value ) {
			$data[] = array(
				'name'  => $name,
				'value' => (string) $value,
			);
		}
	}
	return $data;
}

/**
 * A decision as people read it.
 *
 * @param string|null $decision ham, spam, approve, or null.
 * @return string
 */
function spamgate_privacy_decision_label( $decision ) {
	$labels = array(
		'ham'     => __( 'Not spam', 'spamgate' ),
		'spam'    => __( 'Spam', 'spamgate' ),
		'approve' => __( 'Approved', 'spamgate' ),
	);
	return isset( $labels[ $decision ] ) ? $labels[ $decision ] : (string) $decision;
}

/**
 * A kind of submission as people read it.
 *
 * @param string $kind comment or contact.
 * @return string
 */
function spamgate_privacy_kind_label( $kind ) {
	if ( 'contact' === $kind ) {
		return __( 'Contact form message', 'spamgate' );
	}
	return 'comment' === $kind ? __( 'Comment', 'spamgate' ) : $kind;
}

/**
 * A time for the export, in the site's timezone; '' for none.
 *
 * @param int $time Unix time.
 * @return string
 */
function spamgate_privacy_time( $time ) {
	return $time > 0 ? wp_date( 'Y-m-d H:i:s', $time ) : '';
}

/**
 * One stored submission (blocked, or passed and kept a few days to try
 * rule changes on) as an item of the export group "spamgate: stored
 * submissions".
 *
 * @param array $item From spamgate_parse_submission().
 * @return array
 */
function spamgate_privacy_submission_export( array $item ) {
	$reasons = array();
	foreach ( $item['hits'] as $hit ) {
		$reasons[] = '' !== $hit['description'] ? $hit['description'] : $hit['rule'];
	}
	return array(
		'group_id'          => 'spamgate-submissions',
		'group_label'       => __( 'spamgate: stored submissions', 'spamgate' ),
		'group_description' => __( 'Comments and contact form messages that spamgate, this site\'s spam filter, blocked and keeps for review, or let through and keeps for a few days so the site owner can test rule changes on them.', 'spamgate' ),
		'item_id'           => 'spamgate-submission-' . $item['id'],
		'data'              => spamgate_privacy_fields(
			array(
				__( 'Submitted', 'spamgate' )              => spamgate_privacy_time( $item['created_at'] ),
				__( 'Kind', 'spamgate' )                   => spamgate_privacy_kind_label( $item['kind'] ),
				__( 'Form', 'spamgate' )                   => $item['endpoint'],
				__( 'What spamgate did', 'spamgate' )      => spamgate_review_action_label( $item['action'] ),
				__( 'Reasons', 'spamgate' )                => empty( $reasons ) ? $item['rules'] : implode( '; ', $reasons ),
				__( 'Name', 'spamgate' )                   => $item['author'],
				__( 'Email', 'spamgate' )                  => $item['email'],
				__( 'Website', 'spamgate' )                => $item['url'],
				__( 'IP address', 'spamgate' )             => $item['ip'],
				__( 'Browser user agent', 'spamgate' )     => $item['user_agent'],
				__( 'Subject', 'spamgate' )                => $item['subject'],
				__( 'Text', 'spamgate' )                   => $item['body'],
				__( 'Post ID', 'spamgate' )                => null === $item['post_id'] ? '' : (string) $item['post_id'],
				__( 'Site owner\'s decision', 'spamgate' ) => null === $item['decision'] ? '' : spamgate_privacy_decision_label( $item['decision'] ),
				__( 'Decided', 'spamgate' )                => spamgate_privacy_time( (int) $item['decided_at'] ),
			)
		),
	);
}

/**
 * One moderation decision as an item of the export group "spamgate:
 * moderation decisions".
 *
 * @param array $decision From spamgate_parse_personal_data().
 * @return array
 */
function spamgate_privacy_decision_export( array $decision ) {
	return array(
		'group_id'          => 'spamgate-decisions',
		'group_label'       => __( 'spamgate: moderation decisions', 'spamgate' ),
		'group_description' => __( 'The site owner\'s decisions about comments and messages (spam or not spam), which train this site\'s spam filter.', 'spamgate' ),
		'item_id'           => 'spamgate-decision-' . $decision['id'],
		'data'              => spamgate_privacy_fields(
			array(
				__( 'Decided', 'spamgate' )            => spamgate_privacy_time( $decision['created_at'] ),
				__( 'Decision', 'spamgate' )           => spamgate_privacy_decision_label( $decision['decision'] ),
				__( 'Kind', 'spamgate' )               => spamgate_privacy_kind_label( $decision['kind'] ),
				__( 'Comment ID', 'spamgate' )         => $decision['comment_id'] > 0 ? (string) $decision['comment_id'] : '',
				__( 'Name', 'spamgate' )               => $decision['author'],
				__( 'Email', 'spamgate' )              => $decision['email'],
				__( 'Website', 'spamgate' )            => $decision['url'],
				__( 'IP address', 'spamgate' )         => $decision['ip'],
				__( 'Subject', 'spamgate' )            => $decision['subject'],
				__( 'Text', 'spamgate' )               => $decision['body'],
				__( 'Recorded from', 'spamgate' )      => $decision['source'],
				__( 'Blocked submission', 'spamgate' ) => $decision['submission_id'],
			)
		),
	);
}

/**
 * The exporter: everything spamgate holds for an e-mail address, on page
 * 1 (spamgate answers with all of it, at most 500 submissions and 500
 * decisions); later pages are empty and done. spamgate unreachable is an
 * error, so the export is not mistaken for complete.
 *
 * @param string $email The address the request is for.
 * @param int    $page  Page, from 1.
 * @return array|WP_Error array( 'data' => export items, 'done' => bool ).
 */
function spamgate_privacy_export( $email, $page = 1 ) {
	$email = trim( (string) $email );
	if ( '' === $email || (int) $page > 1 ) {
		return array(
			'data' => array(),
			'done' => true,
		);
	}
	$result = spamgate_api_request( 'GET', '/spamgate/personal-data?email=' . rawurlencode( $email ), null, 10 );
	$found  = 200 === $result['status'] ? spamgate_parse_personal_data( $result['body'] ) : null;
	if ( null === $found ) {
		return new WP_Error(
			'spamgate_export_failed',
			sprintf(
				/* translators: %s: the reason. */
				__( 'spamgate could not export its data: %s', 'spamgate' ),
				200 === $result['status'] ? __( 'its answer was not understood.', 'spamgate' ) : spamgate_review_failure( $result )
			)
		);
	}
	$data = array();
	foreach ( $found['submissions'] as $item ) {
		$data[] = spamgate_privacy_submission_export( $item );
	}
	foreach ( $found['decisions'] as $decision ) {
		$data[] = spamgate_privacy_decision_export( $decision );
	}
	foreach ( $found['mails'] as $mail ) {
		$data[] = spamgate_privacy_mail_export( $mail );
	}
	return array(
		'data' => $data,
		'done' => true,
	);
}

/**
 * The eraser: spamgate erases (and unlearns) everything it holds for an
 * e-mail address in one go, on page 1; later pages are empty and done.
 * spamgate unreachable is an error, so the request is not marked erased.
 *
 * @param string $email The address the request is for.
 * @param int    $page  Page, from 1.
 * @return array|WP_Error array( 'items_removed' => bool, 'items_retained' => bool, 'messages' => list, 'done' => bool ).
 */
function spamgate_privacy_erase( $email, $page = 1 ) {
	$answer = array(
		'items_removed'  => false,
		'items_retained' => false,
		'messages'       => array(),
		'done'           => true,
	);
	$email  = trim( (string) $email );
	if ( '' === $email || (int) $page > 1 ) {
		return $answer;
	}
	$result = spamgate_api_request( 'POST', '/spamgate/personal-data/erase', array( 'email' => $email ), 10 );
	$data   = 200 === $result['status'] ? json_decode( $result['body'], true ) : null;
	if ( ! is_array( $data ) || ! isset( $data['submissions_erased'], $data['decisions_erased'] ) ) {
		return new WP_Error(
			'spamgate_erase_failed',
			sprintf(
				/* translators: %s: the reason. */
				__( 'spamgate could not erase its data: %s', 'spamgate' ),
				200 === $result['status'] ? __( 'its answer was not understood.', 'spamgate' ) : spamgate_review_failure( $result )
			)
		);
	}
	$submissions             = max( 0, (int) $data['submissions_erased'] );
	$decisions               = max( 0, (int) $data['decisions_erased'] );
	$mails                   = isset( $data['mails_erased'] ) ? max( 0, (int) $data['mails_erased'] ) : 0;
	$answer['items_removed'] = $submissions + $decisions + $mails > 0;
	if ( $answer['items_removed'] ) {
		$answer['messages'][] = sprintf(
			/* translators: 1: number of stored submissions, 2: number of moderation decisions, 3: number of mails. */
			__( 'spamgate erased %1$d stored submissions, %2$d moderation decisions and %3$d mails.', 'spamgate' ),
			$submissions,
			$decisions,
			$mails
		);
	}
	return $answer;
}

/**
 * The suggested privacy policy text, as HTML.
 *
 * @return string
 */
function spamgate_privacy_policy_text() {
	$paragraphs = array(
		__( 'This site screens comments and contact form messages with spamgate, a spam filter that runs on the site\'s own server.', 'spamgate' ),
		__( 'When you leave a comment or send a message through a contact form, spamgate records your IP address, your browser\'s user agent string and what you submitted (name, e-mail address, website, subject and text) to decide whether it is spam.', 'spamgate' ),
		__( 'If spamgate blocks your comment or message, it keeps its text for a limited period (the retention period, 30 days unless the site owner changed it) so that the site owner can review it and rescue it if it was not spam.', 'spamgate' ),
		__( 'If your comment or message gets through, spamgate keeps its text for a few days (7 unless the site owner changed it) so that the site owner can test a change to the spam rules on real submissions before it takes effect.', 'spamgate' ),
		__( 'When the site owner marks a comment or message as spam or not spam, spamgate keeps that decision, with what was submitted, to train a spam filter for this site only.', 'spamgate' ),
		__( 'None of this is sent to third parties. You can ask for an export or the erasure of this data by e-mail address, as for the rest of your personal data on this site.', 'spamgate' ),
	);
	$html = '<p class="privacy-policy-tutorial">' . esc_html__( 'spamgate stores what visitors submit through comment and contact forms, and the site owner\'s moderation decisions. Suggested text:', 'spamgate' ) . '</p>';
	foreach ( $paragraphs as $paragraph ) {
		$html .= '<p>' . esc_html( $paragraph ) . '</p>';
	}
	return $html;
}

/**
 * The admin_init action: offers the suggested text in Settings > Privacy.
 *
 * @return void
 */
function spamgate_privacy_policy_content() {
	if ( function_exists( 'wp_add_privacy_policy_content' ) ) {
		wp_add_privacy_policy_content( __( 'spamgate', 'spamgate' ), spamgate_privacy_policy_text() );
	}
}
add_action( 'admin_init', 'spamgate_privacy_policy_content' );
