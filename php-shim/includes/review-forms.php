<?php
/**
 * spamgate: form plugins' submissions on the "Blocked by spamgate" screen:
 * the form's name for people (Contact Form 7: the form's title), every
 * field the visitor sent, and the rescue. "Not spam" mails the owners what
 * the form would have mailed, once however often it is clicked: a Contact
 * Form 7 message through that form's own mail template ("Mail", never
 * "Mail (2)", which goes to the visitor), any other form as a list of its
 * fields. The mail goes through wp_mail(), so spamgate's outbox sends it to
 * allowlisted owners only. Nothing here prints a field unescaped.
 *
 * @package spamgate
 */

/**
 * The fields a visitor filled in: every field but the form plugin's own
 * (names starting with "_", e.g. CF7's _wpcf7) and spamgate's token.
 * A filled honeypot stays: it is why some were blocked.
 *
 * @param array $fields From Spamgate_Api_Answers::form_fields().
 * @return array List of array( name, value ); "name[]" is shown as "name".
 */
function spamgate_visitor_fields( array $fields ) {
	$out = array();
	foreach ( $fields as $field ) {
		list( $name, $value ) = $field;
		if ( '_' === $name[0] || 'sg_token' === $name || ( 'sg_website' === $name && '' === $value ) ) {
			continue;
		}
		$out[] = array( preg_replace( '/\[\]$/', '', $name ), $value );
	}
	return $out;
}

/**
 * The values of one field (a name sent more than once, as checkboxes are,
 * gives all of them).
 *
 * @param array  $fields From spamgate_visitor_fields().
 * @param string $name   The field's name.
 * @return array|null The values, or null when the form did not send it.
 */
function spamgate_form_field_values( array $fields, $name ) {
	$values = null;
	foreach ( $fields as $field ) {
		if ( $field[0] === $name ) {
			$values   = null === $values ? array() : $values;
			$values[] = $field[1];
		}
	}
	return $values;
}

/**
 * The Contact Form 7 form a submission was sent with, or null when CF7 is
 * not active here or the form is gone.
 *
 * @param array $item From Spamgate_Api_Answers::submission().
 * @return object|null A WPCF7_ContactForm.
 */
function spamgate_review_cf7_form( array $item ) {
	if ( 'cf7' !== $item['form_name'] || ! ctype_digit( $item['form_id'] ) || ! function_exists( 'wpcf7_contact_form' ) ) {
		return null;
	}
	$form = wpcf7_contact_form( (int) $item['form_id'] );
	return is_object( $form ) ? $form : null;
}

/**
 * The form's name for people: a Contact Form 7 form's title (from CF7, or
 * the title of its post when CF7 is not active), else the form plugin's
 * name and the form's id, e.g. "Contact Form 7 #12" or "WPForms #3".
 *
 * @param array $item From Spamgate_Api_Answers::submission(), kind 'form'.
 * @return string Plain text.
 */
function spamgate_review_form_title( array $item ) {
	$form = spamgate_review_cf7_form( $item );
	if ( $form && method_exists( $form, 'title' ) && '' !== (string) $form->title() ) {
		return (string) $form->title();
	}
	if ( 'cf7' === $item['form_name'] && ctype_digit( $item['form_id'] ) ) {
		$post = get_post( (int) $item['form_id'] );
		if ( $post && 'wpcf7_contact_form' === $post->post_type && '' !== (string) $post->post_title ) {
			return (string) $post->post_title;
		}
	}
	$plugins = spamgate_form_plugins();
	$plugin  = isset( $plugins[ $item['form_name'] ] ) ? $plugins[ $item['form_name'] ] : ( '' === $item['form_name'] ? __( 'Form', 'spamgate' ) : $item['form_name'] );
	return '' === $item['form_id'] ? $plugin : $plugin . ' #' . $item['form_id'];
}

/**
 * Every field the visitor sent, as a table of name and value.
 *
 * @param array $item From Spamgate_Api_Answers::submission(), kind 'form'.
 * @return string HTML.
 */
function spamgate_review_form_fields_html( array $item ) {
	$fields = spamgate_visitor_fields( $item['fields'] );
	if ( empty( $fields ) ) {
		return '';
	}
	$html = '<table class="spamgate-fields widefat striped"><tbody>';
	foreach ( $fields as $field ) {
		$html .= '<tr><th scope="row">' . esc_html( $field[0] ) . '</th><td class="spamgate-full-text">' . esc_html( $field[1] ) . '</td></tr>';
	}
	return $html . '</tbody></table>';
}

/**
 * The name of the option that says a form submission was mailed.
 *
 * @param string $id A submission id.
 * @return string
 */
function spamgate_rescue_mail_option( $id ) {
	return 'spamgate_form_mailed_' . $id;
}

/**
 * Mails a rescued form submission to the owners, once: the rescue lock
 * (spamgate_review_locked()) and an option per submission make a second
 * click (or two at once) send nothing.
 *
 * @param array $item From Spamgate_Api_Answers::submission(), kind 'form'.
 * @return array array( 'mailed' => bool (sent now), 'error' => '' or a reason ).
 */
function spamgate_review_mail_form( array $item ) {
	$out = array(
		'mailed' => false,
		'error'  => '',
	);
	return spamgate_review_locked(
		$item['id'],
		$out,
		function ( array $out ) use ( $item ) {
			if ( false !== get_option( spamgate_rescue_mail_option( $item['id'] ) ) ) {
				return $out;
			}
			$form = spamgate_review_cf7_form( $item );
			$sent = $form ? spamgate_send_cf7_mail( $form, $item ) : spamgate_send_form_fields_mail( $item );
			if ( ! $sent ) {
				$out['error'] = __( 'WordPress could not hand the message to spamgate; see the notice about mail. Click "Not spam" again to retry.', 'spamgate' );
				return $out;
			}
			update_option( spamgate_rescue_mail_option( $item['id'] ), time(), false );
			$out['mailed'] = true;
			return $out;
		}
	);
}

/**
 * The submission whose Contact Form 7 mail is being composed now
 * (spamgate_send_cf7_mail()), or null: the two CF7 filters below fill in
 * its values only while it is set.
 *
 * @param array|null|false $set The submission, null when the mail is sent; false to read.
 * @return array|null
 */
function spamgate_cf7_rescued_item( $set = false ) {
	static $item = null;
	if ( false !== $set ) {
		$item = $set;
	}
	return $item;
}

/**
 * The wpcf7_mail_tag_replaced filter: while a rescued submission's mail is
 * composed, a field tag CF7 has no value for (there is no current
 * submission) gets the stored value.
 *
 * @param string $replaced  CF7's text for the tag.
 * @param mixed  $submitted The current submission's value (null: none).
 * @param bool   $html      Whether the mail is HTML.
 * @param object $mail_tag  The WPCF7_MailTag.
 * @return string
 */
function spamgate_cf7_rescued_mail_tag( $replaced, $submitted, $html = false, $mail_tag = null ) {
	$item = spamgate_cf7_rescued_item();
	if ( null === $item || null !== $submitted || ! is_object( $mail_tag ) ) {
		return $replaced;
	}
	$values = spamgate_form_field_values( spamgate_visitor_fields( $item['fields'] ), $mail_tag->field_name() );
	if ( null === $values ) {
		return $replaced;
	}
	$text = implode( ', ', $values );
	return $html ? esc_html( $text ) : $text;
}

/**
 * The wpcf7_special_mail_tags filter: while a rescued submission's mail is
 * composed, [_remote_ip], [_user_agent], [_date] and [_time] come from
 * spamgate's record of the submission.
 *
 * @param string|null $output CF7's text for the tag.
 * @param string      $name   The tag's name.
 * @return string|null
 */
function spamgate_cf7_rescued_special_tag( $output, $name ) {
	$item = spamgate_cf7_rescued_item();
	if ( null === $item || null !== $output ) {
		return $output;
	}
	$known = array(
		'_remote_ip'  => $item['ip'],
		'_user_agent' => $item['user_agent'],
		'_date'       => wp_date( get_option( 'date_format' ), $item['created_at'] ),
		'_time'       => wp_date( get_option( 'time_format' ), $item['created_at'] ),
	);
	return isset( $known[ $name ] ) ? $known[ $name ] : $output;
}

/**
 * Sends a Contact Form 7 form's "Mail" for a stored submission: CF7
 * composes it from the form's template, with each field tag replaced by
 * the stored value and spamgate's record for the submission's IP address,
 * user agent, date and time (spamgate_cf7_rescued_mail_tag(),
 * spamgate_cf7_rescued_special_tag()).
 *
 * @param object $form The WPCF7_ContactForm.
 * @param array  $item From Spamgate_Api_Answers::submission().
 * @return bool What wp_mail() answered.
 */
function spamgate_send_cf7_mail( $form, array $item ) {
	spamgate_cf7_rescued_item( $item );
	try {
		return (bool) WPCF7_Mail::send( $form->prop( 'mail' ), 'mail' );
	} finally {
		spamgate_cf7_rescued_item( null );
	}
}

/**
 * The mail for a rescued submission of a form whose own mail cannot be
 * composed here: the form's name and every field, one per line.
 *
 * @param array $item From Spamgate_Api_Answers::submission(), kind 'form'.
 * @return array array( 'subject', 'text', 'reply_to' => address or '' ).
 */
function spamgate_form_fields_mail( array $item ) {
	$title = spamgate_review_form_title( $item );
	$lines = array(
		/* translators: %s: the form's name. */
		sprintf( __( 'A message sent with "%s", which spamgate had blocked and you marked as not spam:', 'spamgate' ), $title ),
		'',
	);
	foreach ( spamgate_visitor_fields( $item['fields'] ) as $field ) {
		$lines[] = $field[0] . ': ' . $field[1];
	}
	$lines[] = '';
	/* translators: 1: date and time, 2: IP address. */
	$lines[] = sprintf( __( 'Sent %1$s from %2$s.', 'spamgate' ), gmdate( 'Y-m-d H:i', $item['created_at'] ) . ' UTC', $item['ip'] );
	$subject = '' !== $item['subject'] ? $item['subject'] : $title;
	return array(
		/* translators: %s: the message's subject or the form's name. */
		'subject'  => sprintf( __( 'Rescued message: %s', 'spamgate' ), trim( (string) preg_replace( '/\s+/u', ' ', $subject ) ) ),
		'text'     => implode( "\n", $lines ),
		'reply_to' => (string) spamgate_extract_address( $item['email'] ),
	);
}

/**
 * Sends spamgate_form_fields_mail() to the site's admin e-mail address
 * (spamgate delivers only to its allowlisted owners).
 *
 * @param array $item From Spamgate_Api_Answers::submission(), kind 'form'.
 * @return bool What wp_mail() answered.
 */
function spamgate_send_form_fields_mail( array $item ) {
	$mail = spamgate_form_fields_mail( $item );
	return (bool) wp_mail(
		get_option( 'admin_email' ),
		$mail['subject'],
		$mail['text'],
		'' === $mail['reply_to'] ? array() : array( 'Reply-To: ' . $mail['reply_to'] )
	);
}
