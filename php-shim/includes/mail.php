<?php
/**
 * spamgate: wp_mail() goes to spamgate's POST /spamgate/notify, never to
 * mail() or sendmail. spamgate queues the message in its outbox and sends
 * it through the site's authenticated SMTP account to allowlisted
 * recipients only.
 *
 * @package spamgate
 */

/**
 * The pre_wp_mail filter: hands the message to spamgate and short-circuits
 * wp_mail(). True when spamgate accepted (202) every recipient, false
 * otherwise (the failure is logged, shown to admins and passed to the
 * wp_mail_failed action). Another filter's earlier non-null answer stands.
 *
 * @param null|bool $short_circuit Null unless a filter already handled the mail.
 * @param array     $atts          wp_mail()'s array( to, subject, message, headers, attachments ).
 * @return bool
 */
function spamgate_pre_wp_mail( $short_circuit, $atts ) {
	if ( null !== $short_circuit ) {
		return $short_circuit;
	}
	$built = spamgate_build_notify_payloads( (array) $atts );
	$error = $built['error'];
	$sent  = 0;
	foreach ( $built['payloads'] as $payload ) {
		$answer = Spamgate_Api::notify( $payload );
		if ( '' === $answer['error'] ) {
			++$sent;
			continue;
		}
		$error = 0 === $answer['status'] ? $answer['error']
			/* translators: 1: recipient address, 2: HTTP status. */
			: sprintf( __( 'spamgate refused a notification to %1$s (HTTP %2$d)', 'spamgate' ), $payload['recipient'], $answer['status'] );
	}
	$ok = '' === $error && $sent > 0;
	if ( $ok ) {
		spamgate_clear_problem( 'mail' );
		return true;
	}
	if ( '' === $error ) {
		$error = __( 'no message was sent', 'spamgate' );
	}
	$subject = isset( $atts['subject'] ) ? substr( (string) $atts['subject'], 0, 80 ) : '';
	spamgate_record_problem( 'mail', 'wp_mail "' . $subject . '": ' . $error );
	do_action( 'wp_mail_failed', new WP_Error( 'wp_mail_failed', 'spamgate: ' . $error ) );
	return false;
}
