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
		'timezone'  => 'UTC',
		'posts'     => array(),
		'inserted'  => array(),
		'next_id'   => 100,
		'db'        => array(),
		'db_col'    => array(),
		'db_lock'   => '1',
		'insert_ok' => true,
		'filters'   => array(),
		'scripts'   => array(),
		'mails'     => array(),
		'mail_ok'   => true,
	);
	$GLOBALS['wpdb'] = new Spamgate_Test_Wpdb();
}
spamgate_test_reset();

/** Stub of WordPress's $wpdb: records queries; GET_LOCK answers $GLOBALS['spamgate_test']['db_lock']. */
class Spamgate_Test_Wpdb {
	/**
	 * The options table's name.
	 *
	 * @var string
	 */
	public $options = 'wp_options';

	/**
	 * Fills %s and %d placeholders (quoted, not escaped: tests only).
	 *
	 * @param string $query   The query.
	 * @param mixed  ...$args Values.
	 * @return string
	 */
	public function prepare( $query, ...$args ) {
		$i = 0;
		return preg_replace_callback(
			'/%[sd]/',
			function ( $m ) use ( $args, &$i ) {
				$value = $args[ $i++ ];
				return '%d' === $m[0] ? (string) (int) $value : "'" . $value . "'";
			},
			$query
		);
	}

	/**
	 * Escapes LIKE wildcards as WordPress does.
	 *
	 * @param string $text Text.
	 * @return string
	 */
	public function esc_like( $text ) {
		return addcslashes( $text, '_%\\' );
	}

	/**
	 * Records a query; GET_LOCK answers the configured value.
	 *
	 * @param string $query The query.
	 * @return string|null
	 */
	public function get_var( $query ) {
		$GLOBALS['spamgate_test']['db'][] = $query;
		return 0 === strpos( $query, 'SELECT GET_LOCK' ) ? $GLOBALS['spamgate_test']['db_lock'] : null;
	}

	/**
	 * Records a query; answers the configured column.
	 *
	 * @param string $query The query.
	 * @return array
	 */
	public function get_col( $query ) {
		$GLOBALS['spamgate_test']['db'][] = $query;
		return $GLOBALS['spamgate_test']['db_col'];
	}

	/**
	 * Records a query.
	 *
	 * @param string $query The query.
	 * @return int
	 */
	public function query( $query ) {
		$GLOBALS['spamgate_test']['db'][] = $query;
		return 1;
	}
}

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
	 * The code.
	 *
	 * @var string
	 */
	private $code;

	/**
	 * The message.
	 *
	 * @var string
	 */
	private $message;

	/**
	 * Builds an error.
	 *
	 * @param string $code    Code.
	 * @param string $message Message.
	 */
	public function __construct( $code = '', $message = '' ) {
		$this->code    = $code;
		$this->message = $message;
	}

	/**
	 * The code.
	 *
	 * @return string
	 */
	public function get_error_code() {
		return $this->code;
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
	// Kept apart from the state each test resets: the plugin adds its hooks once (spamgate_init_hooks(), below).
	$GLOBALS['spamgate_test_hooks'][ $hook ][] = array( $callback, $priority, $args );
	return true;
}
function wp_mail( $to, $subject, $message, $headers = '', $attachments = array() ) {
	$GLOBALS['spamgate_test']['mails'][] = compact( 'to', 'subject', 'message', 'headers' );
	return $GLOBALS['spamgate_test']['mail_ok'];
}
function add_action( $hook, $callback, $priority = 10, $args = 1 ) {
	return add_filter( $hook, $callback, $priority, $args );
}
function is_admin() {
	return true; // The tests load every file, the admin screens' too.
}
function apply_filters( $hook, $value, ...$args ) {
	// A test sets $GLOBALS['spamgate_test']['filters'][ $hook ] to a callable to filter $value.
	$filter = isset( $GLOBALS['spamgate_test']['filters'][ $hook ] ) ? $GLOBALS['spamgate_test']['filters'][ $hook ] : null;
	return null === $filter ? $value : $filter( $value, ...$args );
}
function wp_register_script( $handle, $src, $deps = array(), $ver = false, $in_footer = false ) {
	$GLOBALS['spamgate_test']['scripts'][ $handle ] = array(
		'src'       => $src,
		'ver'       => $ver,
		'in_footer' => $in_footer,
		'enqueued'  => false,
		'inline'    => array(),
	);
	return true;
}
function wp_enqueue_script( $handle ) {
	$GLOBALS['spamgate_test']['scripts'][ $handle ]['enqueued'] = true;
}
function wp_script_is( $handle, $status = 'enqueued' ) {
	return ! empty( $GLOBALS['spamgate_test']['scripts'][ $handle ]['enqueued'] );
}
function wp_add_inline_script( $handle, $data, $position = 'after' ) {
	$GLOBALS['spamgate_test']['scripts'][ $handle ]['inline'][] = $data;
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
	if ( is_array( $value ) ) {
		return array_map( 'wp_slash', $value );
	}
	return is_string( $value ) ? addslashes( $value ) : $value;
}
function wp_unslash( $value ) {
	if ( is_array( $value ) ) {
		return array_map( 'wp_unslash', $value );
	}
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
function esc_url( $url, $protocols = null ) {
	// Like WordPress: '' for a scheme that is not allowed (javascript: and the like).
	$allowed = null === $protocols ? array( 'http', 'https', 'mailto', 'ftp' ) : $protocols;
	if ( preg_match( '/^([a-z][a-z0-9+.\-]*):/i', (string) $url, $m ) && ! in_array( strtolower( $m[1] ), $allowed, true ) ) {
		return '';
	}
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
	// In the site's timezone, $GLOBALS['spamgate_test']['timezone'].
	$date = new DateTime( '@' . (int) $timestamp );
	$date->setTimezone( new DateTimeZone( $GLOBALS['spamgate_test']['timezone'] ) );
	return $date->format( $format );
}
function wp_die( $message = '', $title = '', $args = array() ) {
	throw new Spamgate_Test_Exit( 'die', $message, is_int( $title ) ? $title : null );
}
function check_ajax_referer( $action, $query_arg = false, $stop = true ) {
	return $GLOBALS['spamgate_test']['nonce_ok'] && 'spamgate_train' === $action && '_wpnonce' === $query_arg ? 1 : false;
}
function wp_nonce_field( $action, $name = '_wpnonce', $referer = true, $display = true ) {
	$field = '<input type="hidden" id="' . esc_attr( $name ) . '" name="' . esc_attr( $name ) . '" value="nonce-' . esc_attr( $action ) . '">';
	if ( ! $display ) {
		return $field;
	}
	echo $field; // phpcs:ignore WordPress.Security.EscapeOutput
}
function esc_textarea( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' );
}
function wp_send_json_success( $data = null, $status = null ) {
	throw new Spamgate_Test_Exit( 'success', $data, $status );
}
function wp_send_json_error( $data = null, $status = null ) {
	throw new Spamgate_Test_Exit( 'error', $data, $status );
}
function get_comments( $args ) {
	// Over $GLOBALS['spamgate_test']['comments'], for the arguments the plugin uses: status approve|spam|any,
	// type comment ('' or 'comment'), meta_key and meta_value, by comment_ID ascending, number and offset,
	// count, fields ids.
	$GLOBALS['spamgate_test']['queries'][] = $args;
	$approved = array(
		'approve' => '1',
		'spam'    => 'spam',
	);
	$matches  = array();
	foreach ( $GLOBALS['spamgate_test']['comments'] as $comment ) {
		if ( 'any' !== $args['status'] && $comment->comment_approved !== $approved[ $args['status'] ] ) {
			continue;
		}
		if ( isset( $args['meta_key'] ) && get_comment_meta( $comment->comment_ID, $args['meta_key'], true ) !== $args['meta_value'] ) {
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
	$page = array_slice( $matches, isset( $args['offset'] ) ? $args['offset'] : 0, $args['number'] );
	return isset( $args['fields'] ) && 'ids' === $args['fields'] ? array_map( 'intval', array_column( $page, 'comment_ID' ) ) : $page;
}
function _n( $single, $plural, $number, $domain = 'default' ) {
	return 1 === (int) $number ? $single : $plural;
}
function esc_attr__( $text, $domain = 'default' ) {
	return esc_attr( __( $text, $domain ) );
}
function esc_html_e( $text, $domain = 'default' ) {
	echo esc_html__( $text, $domain );
}
function number_format_i18n( $number, $decimals = 0 ) {
	return number_format( $number, $decimals );
}
function sanitize_text_field( $text ) {
	return trim( preg_replace( '/[\r\n\t ]+/', ' ', strip_tags( (string) $text ) ) );
}
function wp_parse_url( $url, $component = -1 ) {
	return parse_url( $url, $component );
}
function wp_kses( $text, $allowed ) {
	// Enough of kses for the tests: tags other than a, b, em, strong go (their text stays).
	return strip_tags( $text, '<a><b><em><strong>' );
}
function wp_filter_comment( $data ) {
	$data['filtered'] = true;
	return $data;
}
function wp_insert_comment( $data ) {
	// Stores a comment (unslashed, as wp_insert_comment() does) and its comment_meta.
	if ( ! $GLOBALS['spamgate_test']['insert_ok'] ) {
		return false;
	}
	$meta = isset( $data['comment_meta'] ) ? $data['comment_meta'] : array(); // Still slashed: add_comment_meta() unslashes, as in WordPress.
	$data = wp_unslash( $data );
	$id   = $GLOBALS['spamgate_test']['next_id']++;
	$GLOBALS['spamgate_test']['inserted'][ $id ] = $data;
	$GLOBALS['spamgate_test']['comments'][]      = (object) array(
		'comment_ID'       => (string) $id,
		'comment_post_ID'  => (string) $data['comment_post_ID'],
		'comment_approved' => (string) $data['comment_approved'],
		'comment_type'     => 'comment',
	);
	foreach ( $meta as $key => $value ) {
		add_comment_meta( $id, $key, $value, true );
	}
	return $id;
}
function get_comment( $id ) {
	foreach ( $GLOBALS['spamgate_test']['comments'] as $comment ) {
		if ( (int) $comment->comment_ID === (int) $id ) {
			return $comment;
		}
	}
	return null;
}
function get_post( $id ) {
	// A stored post with WP_Post's other fields at their defaults: a published, open post with no password.
	if ( ! isset( $GLOBALS['spamgate_test']['posts'][ $id ] ) ) {
		return null;
	}
	$defaults = array(
		'post_type'      => 'post',
		'post_status'    => 'publish',
		'post_password'  => '',
		'comment_status' => 'open',
	);
	return (object) array_merge( $defaults, (array) $GLOBALS['spamgate_test']['posts'][ $id ] );
}
function get_post_status( $post ) {
	return $post->post_status;
}
function post_type_supports( $type, $feature ) {
	// Types registered without 'comments' support: wp_block as in WordPress, and 'product' for the tests.
	return 'comments' !== $feature || ! in_array( $type, array( 'wp_block', 'product' ), true );
}
function comments_open( $post ) {
	return 'open' === $post->comment_status;
}
function wp_check_comment_data_max_lengths( $data ) {
	// WordPress's limits (wp_get_comment_fields_max_lengths() on a utf8mb4 database), in bytes.
	$limits = array(
		'comment_author'       => 245,
		'comment_author_email' => 100,
		'comment_author_url'   => 200,
		'comment_content'      => 65525,
	);
	foreach ( $limits as $key => $max ) {
		if ( isset( $data[ $key ] ) && strlen( $data[ $key ] ) > $max ) {
			return new WP_Error( $key . '_column_length', '<strong>Error:</strong> too long.' );
		}
	}
	return true;
}
function get_the_title( $post ) {
	return $post->post_title;
}
function get_permalink( $post ) {
	return 'http://blog.example/?p=' . $post->ID;
}
function wp_count_comments() {
	return (object) array(
		'spam'      => 4,
		'moderated' => 2,
	);
}
function wp_create_nonce( $action ) {
	return 'nonce-' . $action;
}
function check_admin_referer( $action, $query_arg = '_wpnonce' ) {
	// Like wp_verify_nonce() with the nonces of wp_create_nonce() above; a bad nonce dies as WordPress does.
	$nonce = isset( $_REQUEST[ $query_arg ] ) ? $_REQUEST[ $query_arg ] : '';
	if ( ! $GLOBALS['spamgate_test']['nonce_ok'] || 'nonce-' . $action !== $nonce ) {
		throw new Spamgate_Test_Exit( 'die', 'The link you followed has expired.', 403 );
	}
	return 1;
}
function wp_safe_redirect( $location, $status = 302 ) {
	throw new Spamgate_Test_Exit( 'redirect', $location, $status );
}
function wp_get_referer() {
	return isset( $GLOBALS['spamgate_test']['referer'] ) ? $GLOBALS['spamgate_test']['referer'] : false;
}
function settings_fields( $group ) {
	echo '<input type="hidden" name="option_page" value="' . esc_attr( $group ) . '"><input type="hidden" name="action" value="update">';
	wp_nonce_field( $group . '-options' );
}
function is_multisite() {
	return false;
}
// phpcs:enable

ini_set( 'error_log', '/dev/null' ); // The plugin's error_log() lines are not test output.

require_once dirname( __DIR__ ) . '/includes/i18n.php';
require_once dirname( __DIR__ ) . '/includes/functions.php';
require_once dirname( __DIR__ ) . '/includes/class-spamgate-api-answers.php';
require_once dirname( __DIR__ ) . '/includes/class-spamgate-api.php';
require_once dirname( __DIR__ ) . '/includes/problems.php';
require_once dirname( __DIR__ ) . '/includes/mail.php';
require_once dirname( __DIR__ ) . '/includes/comments.php';
require_once dirname( __DIR__ ) . '/includes/form-token.php';
require_once dirname( __DIR__ ) . '/includes/forms.php';
require_once dirname( __DIR__ ) . '/includes/training.php';
require_once dirname( __DIR__ ) . '/includes/rescue-checks.php';
require_once dirname( __DIR__ ) . '/includes/rescue.php';
require_once dirname( __DIR__ ) . '/includes/review-forms.php';
require_once dirname( __DIR__ ) . '/includes/privacy.php';
require_once dirname( __DIR__ ) . '/includes/hooks.php';
require_once dirname( __DIR__ ) . '/includes/settings.php';
require_once dirname( __DIR__ ) . '/includes/rules-try.php';
require_once dirname( __DIR__ ) . '/includes/review-screen.php';
require_once dirname( __DIR__ ) . '/includes/dashboard-chart.php';
require_once dirname( __DIR__ ) . '/includes/admin.php';
require_once dirname( __DIR__ ) . '/includes/cleanup.php';
$GLOBALS['spamgate_test_hooks'] = array();
spamgate_init_hooks();
