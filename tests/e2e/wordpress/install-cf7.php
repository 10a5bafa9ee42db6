<?php
/**
 * Puts Contact Form 7 on a WordPress site made by make-docroot and
 * install.php, for the e2e tests and scripts/demo: links the plugin's
 * folder (never copied) into wp-content/plugins, activates it, makes its
 * default form under the given title and a published page "Contact" that
 * shows it. Idempotent: a second run finds the form and the page.
 *
 * Usage: php install-cf7.php DOCROOT CF7_DIR [FORM_TITLE]
 * Prints one JSON line: {"form_id", "form_title", "page_id", "page_url"}.
 *
 * @package spamgate
 */

if ( PHP_SAPI !== 'cli' || $argc < 3 ) {
	fwrite( STDERR, "usage: php install-cf7.php DOCROOT CF7_DIR [FORM_TITLE]\n" );
	exit( 2 );
}
$docroot = rtrim( $argv[1], '/' );
$source  = rtrim( $argv[2], '/' );
$title   = isset( $argv[3] ) && '' !== $argv[3] ? $argv[3] : 'Contact form 1';
if ( ! is_file( $source . '/wp-contact-form-7.php' ) ) {
	fwrite( STDERR, "install-cf7.php: no Contact Form 7 in $source (wp-contact-form-7.php is missing)\n" );
	exit( 1 );
}
$link = $docroot . '/wp-content/plugins/contact-form-7';
if ( ! file_exists( $link ) && ! symlink( $source, $link ) ) {
	fwrite( STDERR, "install-cf7.php: cannot link $source to $link\n" );
	exit( 1 );
}
require $docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

$activated = activate_plugin( 'contact-form-7/wp-contact-form-7.php' );
if ( is_wp_error( $activated ) ) {
	fwrite( STDERR, 'install-cf7.php: ' . $activated->get_error_message() . "\n" );
	exit( 1 );
}
if ( ! function_exists( 'wpcf7_get_contact_form_by_title' ) ) {
	require_once $link . '/wp-contact-form-7.php'; // activate_plugin() loaded it in a sandbox scope only when it was inactive.
}
wpcf7_register_post_types();

$form = wpcf7_get_contact_form_by_title( $title );
if ( ! $form ) {
	$form = WPCF7_ContactForm::get_template( array( 'title' => $title ) );
	$form->save();
}

$pages = get_posts(
	array(
		'post_type'   => 'page',
		'name'        => 'contact',
		'numberposts' => 1,
		'post_status' => 'publish',
	)
);
$page_id = empty( $pages ) ? wp_insert_post(
	array(
		'post_type'    => 'page',
		'post_status'  => 'publish',
		'post_title'   => 'Contact',
		'post_name'    => 'contact',
		'post_content' => sprintf( '[contact-form-7 id="%d" title="%s"]', $form->id(), esc_attr( $form->title() ) ),
	),
	true
) : $pages[0]->ID;
if ( is_wp_error( $page_id ) ) {
	fwrite( STDERR, 'install-cf7.php: ' . $page_id->get_error_message() . "\n" );
	exit( 1 );
}
echo json_encode(
	array(
		'form_id'    => (int) $form->id(),
		'form_title' => $form->title(),
		'page_id'    => (int) $page_id,
		'page_url'   => get_permalink( $page_id ),
	),
	JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES
) . "\n";
