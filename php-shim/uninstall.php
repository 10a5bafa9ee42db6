<?php
/**
 * spamgate: runs when the plugin is deleted in wp-admin (Plugins > Delete).
 * Removes the plugin's options and transients from every site
 * (includes/cleanup.php). Comment meta stays, and spamgate is not called:
 * what spamgate itself holds is up to spamgate's own configuration.
 *
 * @package spamgate
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

require_once __DIR__ . '/includes/cleanup.php';

if ( is_multisite() ) {
	foreach ( get_sites(
		array(
			'fields' => 'ids',
			'number' => 0,
		)
	) as $spamgate_site_id ) {
		switch_to_blog( $spamgate_site_id );
		spamgate_delete_site_data();
		restore_current_blog();
	}
} else {
	spamgate_delete_site_data();
}
