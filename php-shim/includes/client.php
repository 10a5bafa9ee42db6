<?php
/**
 * spamgate: the plugin's HTTP client for spamgate's API (notify, feedback,
 * stats), authenticated with "Authorization: Bearer SPAMGATE_SECRET".
 * It never logs the secret and never falls back to mail() or sendmail.
 *
 * @package spamgate
 */

/**
 * True when SPAMGATE_URL and SPAMGATE_SECRET are both defined and non-empty.
 *
 * @return bool
 */
function spamgate_configured() {
	return defined( 'SPAMGATE_URL' ) && '' !== (string) SPAMGATE_URL
		&& defined( 'SPAMGATE_SECRET' ) && '' !== (string) SPAMGATE_SECRET;
}

/**
 * Sends one request to spamgate's API.
 *
 * @param string     $method  GET or POST.
 * @param string     $path    e.g. /spamgate/notify.
 * @param array|null $payload Sent as a JSON body when not null.
 * @param int        $timeout Seconds.
 * @return array array( 'status' => HTTP status or 0, 'body' => string, 'error' => '' or a reason ).
 */
function spamgate_api_request( $method, $path, $payload = null, $timeout = 5 ) {
	if ( ! spamgate_configured() ) {
		return array(
			'status' => 0,
			'body'   => '',
			'error'  => __( 'SPAMGATE_URL and SPAMGATE_SECRET are not both defined in wp-config.php', 'spamgate' ),
		);
	}
	$args = array(
		'method'      => $method,
		'timeout'     => $timeout,
		'redirection' => 0,
		'headers'     => array(
			'Authorization' => 'Bearer ' . SPAMGATE_SECRET,
			'Accept'        => 'application/json',
		),
	);
	if ( null !== $payload ) {
		$args['headers']['Content-Type'] = 'application/json';
		$args['body']                    = wp_json_encode( $payload );
	}
	$response = wp_remote_request( spamgate_api_url( SPAMGATE_URL, $path ), $args );
	if ( is_wp_error( $response ) ) {
		return array(
			'status' => 0,
			'body'   => '',
			/* translators: 1: SPAMGATE_URL, 2: the HTTP error. */
			'error'  => sprintf( __( 'spamgate unreachable at %1$s: %2$s', 'spamgate' ), SPAMGATE_URL, $response->get_error_message() ),
		);
	}
	$status = (int) wp_remote_retrieve_response_code( $response );
	$body   = (string) wp_remote_retrieve_body( $response );
	return array(
		'status' => $status,
		'body'   => $body,
		'error'  => '',
	);
}

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
