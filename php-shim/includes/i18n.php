<?php
/**
 * spamgate: loads the plugin's translations (text domain "spamgate") from
 * WordPress's language packs or the plugin's own languages/ folder, which
 * also works when the plugin is a must-use plugin.
 *
 * @package spamgate
 */

/**
 * The init action: loads the "spamgate" text domain.
 *
 * @return void
 */
function spamgate_load_textdomain() {
	load_plugin_textdomain( 'spamgate', false, basename( dirname( __DIR__ ) ) . '/languages' );
	if ( is_textdomain_loaded( 'spamgate' ) ) {
		return;
	}
	$mofile = dirname( __DIR__ ) . '/languages/spamgate-' . determine_locale() . '.mo';
	if ( is_readable( $mofile ) ) {
		load_textdomain( 'spamgate', $mofile );
	}
}
