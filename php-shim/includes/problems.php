<?php
/**
 * spamgate: problems the site owner must hear about (mail spamgate could
 * not take, comments and form submissions that went around spamgate):
 * recorded in an option per kind for the admin notice (includes/admin.php)
 * and in PHP's error log. Never records the secret.
 *
 * @package spamgate
 */

/**
 * Records a problem for the admin notice and the PHP error log.
 *
 * @param string $kind    Option suffix: "mail", "bypass" or "form_bypass".
 * @param string $message One line, never holding the secret.
 * @return void
 */
function spamgate_record_problem( $kind, $message ) {
	error_log( 'spamgate: ' . $message ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions
	$previous = get_option( 'spamgate_problem_' . $kind );
	$count    = is_array( $previous ) && isset( $previous['count'] ) ? (int) $previous['count'] : 0;
	update_option(
		'spamgate_problem_' . $kind,
		array(
			'time'    => time(),
			'message' => $message,
			'count'   => $count + 1,
		),
		false
	);
}

/**
 * Clears a recorded problem (after a success, or when the admin dismisses it).
 *
 * @param string $kind "mail", "bypass" or "form_bypass".
 * @return void
 */
function spamgate_clear_problem( $kind ) {
	if ( false !== get_option( 'spamgate_problem_' . $kind ) ) {
		delete_option( 'spamgate_problem_' . $kind );
	}
}
