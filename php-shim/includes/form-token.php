<?php
/**
 * spamgate: the honeypot and form token in every protected form (comments,
 * Contact Form 7 and the other form plugins), and the script that replaces
 * the rendered token with a fresh one from spamgate on first interaction
 * (assets/form-token.js), so a page cache cannot serve a stale token. The
 * rendered token stays as the fallback without JavaScript. Nothing here
 * prints the secret: a token is a time and its signature.
 *
 * @package spamgate
 */

/**
 * The plugin's version, for the script's handle.
 */
define( 'SPAMGATE_FORM_TOKEN_VERSION', '0.2.0' );

/**
 * The URL of spamgate's token endpoint: /spamgate/token on the site's host
 * (the web server routes it to spamgate; see deploy/), changed with the
 * spamgate_token_url filter.
 *
 * @return string
 */
function spamgate_token_url() {
	return (string) apply_filters( 'spamgate_token_url', '/spamgate/token' );
}

/**
 * The CSS selectors of the form plugins' forms the script protects even
 * when no token was rendered into them.
 *
 * @return string A selector list.
 */
function spamgate_protected_form_selectors() {
	return implode(
		',',
		array(
			'form#commentform',
			'form.wpcf7-form',
			'form.wpforms-form',
			'.gform_wrapper form',
			'form.elementor-form',
			'form#registerform',
			'form.woocommerce-form-register',
		)
	);
}

/**
 * Enqueues assets/form-token.js (inline: a must-use plugin linked into
 * mu-plugins has no reliable URL) with its configuration, once per page, in
 * the footer. Called where a protected form is rendered.
 *
 * @return void
 */
function spamgate_enqueue_form_token_script() {
	if ( ! Spamgate_Api::configured() || wp_script_is( 'spamgate-form-token', 'enqueued' ) ) {
		return;
	}
	$config = array(
		'url'           => spamgate_token_url(),
		'tokenField'    => 'sg_token',
		'honeypotField' => 'sg_website',
		'forms'         => spamgate_protected_form_selectors(),
	);
	$script = file_get_contents( dirname( __DIR__ ) . '/assets/form-token.js' ); // phpcs:ignore WordPress.WP.AlternativeFunctions
	wp_register_script( 'spamgate-form-token', false, array(), SPAMGATE_FORM_TOKEN_VERSION, true );
	wp_enqueue_script( 'spamgate-form-token' );
	wp_add_inline_script( 'spamgate-form-token', 'var spamgateFormToken = ' . wp_json_encode( $config ) . ";\n" . $script );
}

/**
 * The honeypot and a token for a form rendered now, as HTML, and the
 * script enqueued. '' when spamgate is not configured.
 *
 * @param string $id The honeypot's HTML id (unique on the page).
 * @return string
 */
function spamgate_protected_form_fields( $id ) {
	if ( ! Spamgate_Api::configured() ) {
		return '';
	}
	spamgate_enqueue_form_token_script();
	return spamgate_form_fields_html( spamgate_make_token( SPAMGATE_SECRET, time() ), __( 'Leave this field empty', 'spamgate' ), $id );
}

/**
 * A unique HTML id for the next honeypot on the page.
 *
 * @param string $prefix e.g. sg_website_cf7.
 * @return string
 */
function spamgate_next_honeypot_id( $prefix ) {
	static $count = 0;
	++$count;
	return $prefix . '_' . $count;
}

/**
 * The wpcf7_form_elements filter: the fields go inside the CF7 form, so
 * CF7's own fetch() of new FormData(form) sends them.
 *
 * @param string $html The form's elements.
 * @return string
 */
function spamgate_cf7_form_elements( $html ) {
	return $html . spamgate_protected_form_fields( spamgate_next_honeypot_id( 'sg_website_cf7' ) );
}

/**
 * Prints the fields inside a form whose plugin offers an action there
 * (registration, WooCommerce registration, WPForms).
 *
 * @return void
 */
function spamgate_print_protected_form_fields() {
	echo spamgate_protected_form_fields( spamgate_next_honeypot_id( 'sg_website_form' ) ); // phpcs:ignore WordPress.Security.EscapeOutput -- escaped when built.
}

/**
 * The gform_submit_button filter: the fields go before the button, inside
 * the Gravity Forms form.
 *
 * @param string $button The button's HTML.
 * @return string
 */
function spamgate_gform_submit_button( $button ) {
	return spamgate_protected_form_fields( spamgate_next_honeypot_id( 'sg_website_gform' ) ) . $button;
}

/**
 * The wp_enqueue_scripts action: Elementor Pro renders its forms without a
 * hook for fields, so with it active the script runs on every page and
 * adds the fields to its forms itself.
 *
 * @return void
 */
function spamgate_elementor_form_token() {
	if ( defined( 'ELEMENTOR_PRO_VERSION' ) ) {
		spamgate_enqueue_form_token_script();
	}
}
