<?php
/**
 * spamgate: every action and filter the plugin adds, in one place (no other
 * file calls add_action() or add_filter()). spamgate.php calls
 * spamgate_init_hooks() once, after loading the files whose functions it
 * names; the admin screens' hooks only in wp-admin (also admin-ajax.php and
 * admin-post.php), where those files are loaded.
 *
 * @package spamgate
 */

/**
 * Adds the plugin's actions and filters.
 *
 * @return void
 */
function spamgate_init_hooks() {
	// Translations (includes/i18n.php).
	add_action( 'init', 'spamgate_load_textdomain' );

	// wp_mail() goes to spamgate's outbox, never to mail() (includes/mail.php).
	add_filter( 'pre_wp_mail', 'spamgate_pre_wp_mail', 10, 2 );

	// Comments: the verdict, its meta, no moderation mail for held ones, the
	// form's fields, feedback on moderation (includes/comments.php).
	add_filter( 'pre_comment_approved', 'spamgate_pre_comment_approved', PHP_INT_MAX );
	add_action( 'comment_post', 'spamgate_comment_post', 1 );
	add_filter( 'notify_moderator', 'spamgate_notify_moderator', PHP_INT_MAX, 2 );
	add_action( 'comment_form', 'spamgate_comment_form_fields' );
	add_action( 'transition_comment_status', 'spamgate_transition_comment_status', 10, 3 );

	// The honeypot and token in the form plugins' forms (includes/form-token.php).
	add_filter( 'wpcf7_form_elements', 'spamgate_cf7_form_elements' );
	add_action( 'register_form', 'spamgate_print_protected_form_fields' );
	add_action( 'woocommerce_register_form', 'spamgate_print_protected_form_fields' );
	add_action( 'wpforms_display_submit_before', 'spamgate_print_protected_form_fields' );
	add_filter( 'gform_submit_button', 'spamgate_gform_submit_button' );
	add_action( 'wp_enqueue_scripts', 'spamgate_elementor_form_token' );

	// The verdict on the form plugins' submissions, through each plugin's
	// own spam hook, run last (includes/forms.php).
	add_filter( 'wpcf7_spam', 'spamgate_cf7_spam', PHP_INT_MAX, 2 );
	add_filter( 'wpcf7_skip_spam_check', 'spamgate_cf7_skip_spam_check', PHP_INT_MAX );
	add_filter( 'wpforms_process_honeypot', 'spamgate_wpforms_honeypot', PHP_INT_MAX );
	add_filter( 'gform_entry_is_spam', 'spamgate_gform_entry_is_spam', PHP_INT_MAX, 2 );
	add_action( 'elementor_pro/forms/validation', 'spamgate_elementor_validation', PHP_INT_MAX, 2 );
	add_filter( 'registration_errors', 'spamgate_registration_errors', PHP_INT_MAX );
	add_filter( 'woocommerce_registration_errors', 'spamgate_woocommerce_registration_errors', PHP_INT_MAX );

	// A rescued Contact Form 7 message's mail: the stored values, only while
	// it is composed (includes/review-forms.php).
	add_filter( 'wpcf7_mail_tag_replaced', 'spamgate_cf7_rescued_mail_tag', 10, 4 );
	add_filter( 'wpcf7_special_mail_tags', 'spamgate_cf7_rescued_special_tag', 10, 2 );

	// Privacy tools and the policy text (includes/privacy.php).
	add_filter( 'wp_privacy_personal_data_exporters', 'spamgate_privacy_register_exporter' );
	add_filter( 'wp_privacy_personal_data_erasers', 'spamgate_privacy_register_eraser' );
	add_action( 'admin_init', 'spamgate_privacy_policy_content' );

	if ( is_admin() ) {
		spamgate_init_admin_hooks();
	}
}

/**
 * Adds the hooks of the admin screens (includes/admin.php, settings.php,
 * rules-try.php, review-screen.php).
 *
 * @return void
 */
function spamgate_init_admin_hooks() {
	// Notices, the dashboard widget (includes/admin.php).
	add_action( 'admin_notices', 'spamgate_admin_notices' );
	add_action( 'admin_post_spamgate_dismiss', 'spamgate_dismiss_notice' );
	add_action( 'wp_dashboard_setup', 'spamgate_dashboard_setup' );

	// Settings > spamgate: the setting, training, trying rules
	// (includes/settings.php, includes/rules-try.php).
	add_action( 'admin_menu', 'spamgate_settings_menu' );
	add_action( 'admin_init', 'spamgate_register_settings' );
	add_action( 'admin_enqueue_scripts', 'spamgate_settings_scripts' );
	add_action( 'wp_ajax_spamgate_train_batch', 'spamgate_ajax_train_batch' );
	add_action( 'admin_post_spamgate_train', 'spamgate_admin_post_train' );
	add_action( 'admin_post_spamgate_try_rules', 'spamgate_admin_post_try_rules' );

	// Comments > Blocked by spamgate (includes/review-screen.php).
	add_action( 'admin_menu', 'spamgate_review_menu' );
	add_action( 'load-' . SPAMGATE_REVIEW_SCREEN, 'spamgate_review_load' );
	add_action( 'admin_enqueue_scripts', 'spamgate_review_styles' );
	add_action( 'admin_post_spamgate_review', 'spamgate_review_admin_post' );
}
