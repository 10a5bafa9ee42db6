<?php
/**
 * spamgate: what uninstall.php removes from a site: every option and
 * transient the plugin stores (the setting, the recorded problems, the
 * cached stats, the per-user result notices). Never comment meta (the
 * comments keep their spamgate history), and never a call to spamgate.
 *
 * @package spamgate
 */

/**
 * The options the plugin stores under fixed names.
 *
 * @return array
 */
function spamgate_plugin_options() {
	return array( 'spamgate_rescue_status', 'spamgate_problem_mail', 'spamgate_problem_bypass', 'spamgate_problem_form_bypass' );
}

/**
 * The transients the plugin stores under fixed names (the per-user ones,
 * spamgate_train_result_{user} and spamgate_review_result_{user}, are found
 * by prefix).
 *
 * @return array
 */
function spamgate_plugin_transients() {
	return array( 'spamgate_stats' );
}

/**
 * Deletes the plugin's options and transients from the current site: the
 * fixed names, then every option named spamgate_* and every transient
 * named spamgate_* still in the options table.
 *
 * @return void
 */
function spamgate_delete_site_data() {
	global $wpdb;
	foreach ( spamgate_plugin_options() as $name ) {
		delete_option( $name );
	}
	foreach ( spamgate_plugin_transients() as $name ) {
		delete_transient( $name );
	}
	$names = $wpdb->get_col( // phpcs:ignore WordPress.DB.DirectDatabaseQuery
		$wpdb->prepare(
			"SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s",
			$wpdb->esc_like( 'spamgate_' ) . '%',
			$wpdb->esc_like( '_transient_spamgate_' ) . '%'
		)
	);
	foreach ( (array) $names as $name ) {
		if ( 0 === strpos( $name, '_transient_' ) ) {
			delete_transient( substr( $name, strlen( '_transient_' ) ) );
		} else {
			delete_option( $name );
		}
	}
}
