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
		'nonce_ok'  => true,
		'user_id'   => 1,
		'comments'  => array(),
		'queries'   => array(),
		'transient' => array(),
	);
}
spamgate_test_reset();

/** What the stubs of wp_send_json_*() and wp_die() throw instead of ending the request. */
class Spamgate_Test_Exit extends Exception {
	/**
	 * The JSON answer's data, or wp_die()'s message.
	 *
	 * @var mixed
	 */
	public $data;

	/**
	 * The HTTP status asked for.
	 *
	 * @var int|null
	 */
	public $status;

	/**
	 * Builds the exit.
	 *
	 * @param string   $kind   'success', 'error' or 'die'.
	 * @param mixed    $data   The data or message.
	 * @param int|null $status The HTTP status.
	 */
	public function __construct( $kind, $data, $status ) {
		parent::__construct( $kind );
		$this->data   = $data;
		$this->status = $status;
	}
}

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
	$GLOBALS['spamgate_test']['meta'][ $id ][ $key ] = wp_unslash( $value ); // As add_metadata() does.
	return true;
}
function get_comment_meta( $id, $key, $single = false ) {
	return isset( $GLOBALS['spamgate_test']['meta'][ $id ][ $key ] ) ? $GLOBALS['spamgate_test']['meta'][ $id ][ $key ] : '';
}
function wp_slash( $value ) {
	return is_string( $value ) ? addslashes( $value ) : $value;
}
function wp_unslash( $value ) {
	return is_string( $value ) ? stripslashes( $value ) : $value;
}
function __( $text, $domain = 'default' ) {
	return $text;
}
function esc_html( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' );
}
function esc_attr( $text ) {
	return esc_html( $text );
}
function esc_html__( $text, $domain = 'default' ) {
	return esc_html( __( $text, $domain ) );
}
function esc_url( $url ) {
	return esc_html( $url );
}
function admin_url( $path = '' ) {
	return 'http://blog.example/wp-admin/' . ltrim( $path, '/' );
}
function sanitize_key( $key ) {
	return preg_replace( '/[^a-z0-9_\-]/', '', strtolower( (string) $key ) );
}
function absint( $value ) {
	return abs( (int) $value );
}
function get_current_user_id() {
	return $GLOBALS['spamgate_test']['user_id'];
}
function get_transient( $name ) {
	return isset( $GLOBALS['spamgate_test']['transient'][ $name ] ) ? $GLOBALS['spamgate_test']['transient'][ $name ] : false;
}
function set_transient( $name, $value, $expiration = 0 ) {
	$GLOBALS['spamgate_test']['transient'][ $name ] = $value;
	return true;
}
function delete_transient( $name ) {
	unset( $GLOBALS['spamgate_test']['transient'][ $name ] );
	return true;
}
function wp_date( $format, $timestamp = null ) {
	return gmdate( 'Y-m-d H:i', $timestamp );
}
function wp_die( $message = '', $title = '', $args = array() ) {
	throw new Spamgate_Test_Exit( 'die', $message, is_int( $title ) ? $title : null );
}
function check_ajax_referer( $action, $query_arg = false, $stop = true ) {
	return $GLOBALS['spamgate_test']['nonce_ok'] && 'spamgate_train' === $action && '_wpnonce' === $query_arg ? 1 : false;
}
function wp_nonce_field( $action ) {
	echo '<input type="hidden" id="_wpnonce" name="_wpnonce" value="nonce-' . esc_attr( $action ) . '">';
}
function wp_send_json_success( $data = null, $status = null ) {
	throw new Spamgate_Test_Exit( 'success', $data, $status );
}
function wp_send_json_error( $data = null, $status = null ) {
	throw new Spamgate_Test_Exit( 'error', $data, $status );
}
function get_comments( $args ) {
	// Over $GLOBALS['spamgate_test']['comments'], for the arguments the plugin uses: status approve|spam,
	// type comment ('' or 'comment'), by comment_ID ascending, number and offset, or count.
	$GLOBALS['spamgate_test']['queries'][] = $args;
	$approved = array(
		'approve' => '1',
		'spam'    => 'spam',
	);
	$matches  = array();
	foreach ( $GLOBALS['spamgate_test']['comments'] as $comment ) {
		if ( $comment->comment_approved !== $approved[ $args['status'] ] ) {
			continue;
		}
		if ( isset( $args['type'] ) && 'comment' === $args['type'] && ! in_array( $comment->comment_type, array( '', 'comment' ), true ) ) {
			continue;
		}
		$matches[] = $comment;
	}
	if ( ! empty( $args['count'] ) ) {
		return count( $matches );
	}
	usort(
		$matches,
		function ( $a, $b ) {
			return (int) $a->comment_ID - (int) $b->comment_ID;
		}
	);
	return array_slice( $matches, isset( $args['offset'] ) ? $args['offset'] : 0, $args['number'] );
}
// phpcs:enable

ini_set( 'error_log', '/dev/null' ); // The plugin's error_log() lines are not test output.

require_once dirname( __DIR__ ) . '/includes/functions.php';
require_once dirname( __DIR__ ) . '/includes/client.php';
require_once dirname( __DIR__ ) . '/includes/mail.php';
require_once dirname( __DIR__ ) . '/includes/comments.php';
require_once dirname( __DIR__ ) . '/includes/training.php';
require_once dirname( __DIR__ ) . '/includes/settings.php';
