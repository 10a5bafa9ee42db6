<?php
/**
 * Plugin Name:       spamgate
 * Description:       Connects WordPress to the spamgate gateway: comments and form plugins' messages (Contact Form 7, WPForms, Gravity Forms, Elementor Pro, registration) are held on spamgate's verdict, wp_mail() goes through spamgate's authenticated SMTP outbox (never sendmail), what spamgate blocked can be reviewed and rescued (Comments > Blocked by spamgate), moderation decisions and the site's comment history train spamgate (Settings > spamgate, wp spamgate train).
 * Version:           0.2.0
 * Requires at least: 5.7
 * Requires PHP:      7.4
 * License:           GPL-2.0-or-later
 * Text Domain:       spamgate
 * Domain Path:       /languages
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

require_once __DIR__ . '/includes/i18n.php';
require_once __DIR__ . '/includes/functions.php';
require_once __DIR__ . '/includes/class-spamgate-api-answers.php';
require_once __DIR__ . '/includes/class-spamgate-api.php';
require_once __DIR__ . '/includes/problems.php';
require_once __DIR__ . '/includes/mail.php';
require_once __DIR__ . '/includes/comments.php';
require_once __DIR__ . '/includes/form-token.php';
require_once __DIR__ . '/includes/forms.php';
require_once __DIR__ . '/includes/training.php';
require_once __DIR__ . '/includes/rescue-checks.php';
require_once __DIR__ . '/includes/rescue.php';
require_once __DIR__ . '/includes/review-forms.php';
require_once __DIR__ . '/includes/privacy.php'; // Privacy exporter and eraser: registered everywhere, used from wp-admin.
require_once __DIR__ . '/includes/hooks.php';
if ( is_admin() ) { // Also admin-ajax.php and admin-post.php.
	require_once __DIR__ . '/includes/admin.php';
	require_once __DIR__ . '/includes/dashboard-chart.php';
	require_once __DIR__ . '/includes/settings.php';
	require_once __DIR__ . '/includes/rules-try.php';
	require_once __DIR__ . '/includes/review-screen.php';
}
if ( defined( 'WP_CLI' ) && WP_CLI ) {
	require_once __DIR__ . '/includes/cli.php';
}
spamgate_init_hooks();
