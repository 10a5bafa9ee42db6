<?php
/**
 * phpunit bootstrap: the few WordPress functions the plugin calls, as tiny
 * recording stubs, so the plugin's files load without WordPress. The stubs
 * keep their state in $GLOBALS['spamgate_test'] (reset by each test).
 *
 * @package spamgate
 */

define( 'ABSPATH', __DIR__ . '/' );
define( 'MINUTE_IN_SECONDS', 60 );
define( 'SPAMGATE_URL', 'http://127.0.0.1:8080/' );
define( 'SPAMGATE_SECRET', 'test-secret' );

/**
 * Resets the stubs' state.
 *
 * @param array $responses Queue of fake HTTP answers: array( status, body ) or a WP_Error.
 * @return void
 */
function spamgate_test_reset( array $responses = array() ) {
	$GLOBALS['spamgate_test'] = array(
		'requests'  => array(),
		'responses' => $responses,
		'options'   => array(),
		'meta'      => array(),
		'actions'   => array(),
		'can'       => false,
	);
}
spamgate_test_reset();

/** Stub of WordPress's WP_Error. */
class WP_Error {
	/**
	 * The message.
	 *
	 * @var string
	 */
	private $message;

	/**
	 * Builds an error.
	 *
	 * @param string $code    Code (ignored).
	 * @param string $message Message.
	 */
	public function __construct( $code = '', $message = '' ) {
		$this->message = $message;
	}

	/**
	 * The message.
	 *
	 * @return string
	 */
	public function get_error_message() {
		return $this->message;
	}
}

// phpcs:disable Squiz.Commenting.FunctionComment.Missing -- stubs mirror WordPress's signatures.
function add_filter( $hook, $callback, $priority = 10, $args = 1 ) {
	return true;
}
function add_action( $hook, $callback, $priority = 10, $args = 1 ) {
	return true;
}
function do_action( $hook, ...$args ) {
	$GLOBALS['spamgate_test']['actions'][] = array( $hook, $args );
}
function is_wp_error( $thing ) {
	return $thing instanceof WP_Error;
}
function wp_json_encode( $data ) {
	return json_encode( $data );
}
function wp_remote_request( $url, $args ) {
	$GLOBALS['spamgate_test']['requests'][] = array( $url, $args );
	$next = array_shift( $GLOBALS['spamgate_test']['responses'] );
	if ( null === $next ) {
		return new WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect' );
	}
	return $next;
}
function wp_remote_retrieve_response_code( $response ) {
	return $response[0];
}
function wp_remote_retrieve_body( $response ) {
	return $response[1];
}
function get_option( $name ) {
	return array_key_exists( $name, $GLOBALS['spamgate_test']['options'] ) ? $GLOBALS['spamgate_test']['options'][ $name ] : false;
}
function update_option( $name, $value, $autoload = null ) {
	$GLOBALS['spamgate_test']['options'][ $name ] = $value;
	return true;
}
function delete_option( $name ) {
	unset( $GLOBALS['spamgate_test']['options'][ $name ] );
	return true;
}
function current_user_can( $capability ) {
	return $GLOBALS['spamgate_test']['can'];
}
function add_comment_meta( $id, $key, $value, $unique = false ) {
	$GLOBALS['spamgate_test']['meta'][ $id ][ $key ] = $value;
	return true;
}
function get_comment_meta( $id, $key, $single = false ) {
	return isset( $GLOBALS['spamgate_test']['meta'][ $id ][ $key ] ) ? $GLOBALS['spamgate_test']['meta'][ $id ][ $key ] : '';
}
// phpcs:enable

ini_set( 'error_log', '/dev/null' ); // The plugin's error_log() lines are not test output.

require_once dirname( __DIR__ ) . '/includes/functions.php';
require_once dirname( __DIR__ ) . '/includes/client.php';
require_once dirname( __DIR__ ) . '/includes/mail.php';
require_once dirname( __DIR__ ) . '/includes/comments.php';
