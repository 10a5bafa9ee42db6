<?php
/**
 * Installs WordPress non-interactively into a document root made by
 * make-docroot (its wp-config.php already written), for the e2e tests and
 * scripts/demo. Idempotent: an installed site is left as it is.
 *
 * Usage: php install.php DOCROOT
 * Environment: SG_WP_TITLE, SG_WP_ADMIN, SG_WP_PASSWORD, SG_WP_EMAIL,
 *              SG_WP_MODERATION (1 = hold every comment for moderation).
 * Prints one JSON line: {"installed": bool, "post_id": the "Hello world!" post}.
 *
 * @package spamgate
 */

if ( PHP_SAPI !== 'cli' || $argc < 2 ) {
	fwrite( STDERR, "usage: php install.php DOCROOT\n" );
	exit( 2 );
}
define( 'WP_INSTALLING', true );
require rtrim( $argv[1], '/' ) . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

/**
 * An environment variable, or $fallback.
 *
 * @param string $name     Variable.
 * @param string $fallback Default.
 * @return string
 */
function sg_env( $name, $fallback ) {
	$value = getenv( $name );
	return false === $value || '' === $value ? $fallback : $value;
}

$installed = false;
if ( ! is_blog_installed() ) {
	$result = wp_install(
		sg_env( 'SG_WP_TITLE', 'spamgate test blog' ),
		sg_env( 'SG_WP_ADMIN', 'admin' ),
		sg_env( 'SG_WP_EMAIL', 'owner@example.org' ),
		false,
		'',
		wp_slash( sg_env( 'SG_WP_PASSWORD', 'admin-password' ) )
	);
	if ( empty( $result['user_id'] ) ) {
		fwrite( STDERR, "install.php: wp_install failed\n" );
		exit( 1 );
	}
	$installed = true;
	update_option( 'comment_moderation', sg_env( 'SG_WP_MODERATION', '0' ) === '1' ? 1 : 0 );
	update_option( 'comment_previously_approved', 0 );
	update_option( 'comments_notify', 1 );
	update_option( 'moderation_notify', 1 );
	update_option( 'default_comment_status', 'open' );
	update_option( 'close_comments_for_old_posts', 0 );
	update_option( 'permalink_structure', '' ); // Plain links: /?p=1; no rewrite rules in the web server.
}
$posts = get_posts(
	array(
		'post_type'   => 'post',
		'numberposts' => 1,
		'orderby'     => 'ID',
		'order'       => 'ASC',
	)
);
echo json_encode(
	array(
		'installed' => $installed,
		'post_id'   => empty( $posts ) ? 0 : (int) $posts[0]->ID,
	)
) . "\n";
