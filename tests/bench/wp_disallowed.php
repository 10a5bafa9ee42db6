<?php
/**
 * WordPress core's own "Disallowed Comment Keys" check, timed on the same
 * comments as bench_scorer: prints microseconds per comment.
 *
 * WordPress is not booted (that needs a database). Instead this script
 * includes the real wp-includes/comment.php and wp-includes/formatting.php
 * from Debian's wordpress package, so wp_check_comment_disallowed_list()
 * and wp_strip_all_tags() run unchanged; only the four functions they call
 * from the rest of WordPress are stubbed: get_option() returns the list,
 * do_action() and do_action_deprecated() do nothing, __() returns its text.
 * Nothing of the check itself is reimplemented.
 *
 * Usage: php wp_disallowed.php COMMENTS.json LIST.txt [WP_DIR]
 *   COMMENTS.json from `bench_scorer --dump_comments=FILE`;
 *   LIST.txt one entry per line (the 62,204-entry list);
 *   WP_DIR defaults to /usr/share/wordpress.
 */

if ( $argc < 3 ) {
	fwrite( STDERR, "usage: php wp_disallowed.php COMMENTS.json LIST.txt [WP_DIR]\n" );
	exit( 2 );
}
$wp_dir = $argv[3] ?? '/usr/share/wordpress';

define( 'ABSPATH', $wp_dir . '/' );
define( 'WPINC', 'wp-includes' );

$GLOBALS['spamgate_disallowed_keys'] = file_get_contents( $argv[2] );
if ( false === $GLOBALS['spamgate_disallowed_keys'] ) {
	fwrite( STDERR, "cannot read {$argv[2]}\n" );
	exit( 1 );
}

function get_option( $name, $default_value = false ) {
	return 'disallowed_keys' === $name ? $GLOBALS['spamgate_disallowed_keys'] : $default_value;
}
function do_action( ...$args ) {}
function do_action_deprecated( ...$args ) {}
function __( $text, $domain = 'default' ) {
	return $text;
}

require ABSPATH . WPINC . '/formatting.php';
require ABSPATH . WPINC . '/comment.php';
require ABSPATH . WPINC . '/version.php';

$classes = json_decode( file_get_contents( $argv[1] ), true );
if ( ! is_array( $classes ) ) {
	fwrite( STDERR, "cannot read {$argv[1]}\n" );
	exit( 1 );
}

$entries = count( array_filter( array_map( 'trim', explode( "\n", $GLOBALS['spamgate_disallowed_keys'] ) ) ) );
printf( "WordPress %s wp_check_comment_disallowed_list, %d entries, PHP %s\n", $wp_version, $entries, PHP_VERSION );
printf( "%-6s %9s %9s %12s %12s\n", 'size', 'comments', 'matched', 'median_us', 'mean_us' );

$budget_seconds = 20.0; // per size class: stop early on slow machines
foreach ( array( 'short', '1KB', '16KB' ) as $name ) {
	$times   = array();
	$matched = 0;
	$started = microtime( true );
	foreach ( $classes[ $name ] as $c ) {
		$t0  = hrtime( true );
		$hit = wp_check_comment_disallowed_list(
			$c['author'],
			'reader@example.org',
			'',
			$c['body'],
			'192.0.2.7',
			'Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0'
		);
		$times[] = ( hrtime( true ) - $t0 ) / 1000.0;
		$matched += $hit ? 1 : 0;
		if ( microtime( true ) - $started > $budget_seconds ) {
			break;
		}
	}
	sort( $times );
	printf(
		"%-6s %9d %9d %12.0f %12.0f\n",
		$name,
		count( $times ),
		$matched,
		$times[ intdiv( count( $times ), 2 ) ],
		array_sum( $times ) / count( $times )
	);
}
