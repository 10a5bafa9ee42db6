<?php
/**
 * Plugin Name:       spamgate
 * Description:       Connects WordPress to the spamgate gateway: comments are held on spamgate's verdict, wp_mail() goes through spamgate's authenticated SMTP outbox (never sendmail), moderation decisions train spamgate.
 * Version:           0.1.0
 * Requires at least: 5.7
 * Requires PHP:      7.4
 * License:           GPL-2.0-or-later
 *
 * Works as a normal plugin (wp-content/plugins/spamgate/spamgate.php) and as
 * a must-use plugin (symlink this file into wp-content/mu-plugins/, or copy
 * the folder there and require this file from a one-line loader).
 * Configure in wp-config.php:
 *   define( 'SPAMGATE_URL', 'http://127.0.0.1:8080' );  // where the web server routes /spamgate/* to spamgate
 *   define( 'SPAMGATE_SECRET', '...' );                  // spamgate's shared_secret
 *   define( 'SPAMGATE_HOLD_AS', 'spam' );                // or 'pending'
 *
 * @package spamgate
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

require_once __DIR__ . '/includes/functions.php';
require_once __DIR__ . '/includes/client.php';
require_once __DIR__ . '/includes/mail.php';
require_once __DIR__ . '/includes/comments.php';
if ( is_admin() ) {
	require_once __DIR__ . '/includes/admin.php';
}
