<?php
/**
 * spamgate: applies spamgate's verdict to the form plugins' submissions.
 * spamgate scores a form plugin's request at the door and forwards what
 * passes or is held to PHP with SPAMGATE_VERDICT; here a held submission
 * (or one that reached WordPress without any verdict) becomes spam through
 * the form plugin's own hook, so the visitor sees that plugin's message and
 * nothing is mailed. One hook per plugin: Contact Form 7 (wpcf7_spam),
 * WPForms (wpforms_process_honeypot), Gravity Forms (gform_entry_is_spam),
 * Elementor Pro (elementor_pro/forms/validation), WordPress registration
 * (registration_errors), WooCommerce "My account" registration
 * (woocommerce_registration_errors). Never decides a pass on its own.
 *
 * @package spamgate
 */

/**
 * The form plugins, by the names spamgate's config gives their presets
 * ([forms.cf7] ...), with their names for people.
 *
 * @return array Key => name.
 */
function spamgate_form_plugins() {
	return array(
		'cf7'          => 'Contact Form 7',
		'wpforms'      => 'WPForms',
		'gravity'      => 'Gravity Forms',
		'elementor'    => 'Elementor Pro',
		'wp_register'  => __( 'WordPress registration', 'spamgate' ),
		'woo_register' => __( 'WooCommerce registration', 'spamgate' ),
	);
}

/**
 * spamgate's decision on the form submission of this request. A held
 * submission, or one without a verdict while spamgate is configured (the
 * request went around spamgate: recorded for the admin notice), is blocked;
 * one spamgate forwarded unscored (a preset turned off) is not.
 * A site whose web server does not route a form plugin to spamgate can say
 * so with the spamgate_form_requires_verdict filter (false: no verdict
 * passes for that plugin).
 *
 * @param string $form A key of spamgate_form_plugins().
 * @return array array( 'outcome' => off|trusted|pass|hold|unscored|bypass, 'blocked' => bool, 'reason' => '' or a line for the plugin's spam log ).
 */
function spamgate_form_check( $form ) {
	$check = array(
		'outcome' => 'off',
		'blocked' => false,
		'reason'  => '',
	);
	if ( ! Spamgate_Api::configured() ) {
		return $check;
	}
	$check['outcome'] = spamgate_form_outcome(
		spamgate_request_param( 'SPAMGATE_VERDICT' ),
		current_user_can( 'moderate_comments' ),
		'1' === spamgate_request_param( 'SPAMGATE_UNSCORED' )
	);
	if ( 'bypass' === $check['outcome'] && ! apply_filters( 'spamgate_form_requires_verdict', true, $form ) ) {
		$check['outcome'] = 'pass';
	}
	if ( 'hold' !== $check['outcome'] && 'bypass' !== $check['outcome'] ) {
		return $check;
	}
	$check['blocked'] = true;
	$check['reason']  = spamgate_form_spam_reason(
		$check['outcome'],
		(string) spamgate_request_param( 'SPAMGATE_RULES' ),
		(string) spamgate_request_param( 'SPAMGATE_ID' )
	);
	if ( 'bypass' === $check['outcome'] ) {
		$plugins = spamgate_form_plugins();
		$path    = spamgate_request_param( 'REQUEST_URI' );
		spamgate_record_problem(
			'form_bypass',
			sprintf(
				/* translators: 1: a form plugin's name, 2: the request's path. */
				__( 'a %1$s submission reached WordPress without passing spamgate (%2$s)', 'spamgate' ),
				isset( $plugins[ $form ] ) ? $plugins[ $form ] : $form,
				null === $path ? __( 'no request URI', 'spamgate' ) : substr( strtok( $path, '?' ), 0, 100 )
			)
		);
	}
	return $check;
}

/**
 * What a visitor reads when a form without a spam message of its own
 * (Elementor Pro, registration) refuses a submission. Says nothing of why.
 *
 * @return string
 */
function spamgate_form_refusal_message() {
	return __( 'Your submission could not be accepted. Please try again later, or contact the site owner another way.', 'spamgate' );
}

/**
 * The wpcf7_spam filter (runs last): a held or unscored Contact Form 7
 * message is spam, with a spam-log entry naming spamgate's rules and id;
 * CF7 then shows its own spam message and sends no mail.
 *
 * @param bool   $spam       CF7's and the other filters' decision.
 * @param object $submission The WPCF7_Submission.
 * @return bool
 */
function spamgate_cf7_spam( $spam, $submission = null ) {
	$check = spamgate_form_check( 'cf7' );
	if ( ! $check['blocked'] ) {
		return $spam;
	}
	if ( is_object( $submission ) && method_exists( $submission, 'add_spam_log' ) ) {
		$submission->add_spam_log(
			array(
				'agent'  => 'spamgate',
				'reason' => $check['reason'],
			)
		);
	}
	return true;
}

/**
 * The wpcf7_skip_spam_check filter (runs last): another plugin may skip
 * CF7's spam checks, never spamgate's verdict.
 *
 * @param bool $skip Whether CF7 skips its spam checks (and so wpcf7_spam).
 * @return bool
 */
function spamgate_cf7_skip_spam_check( $skip ) {
	return $skip && ! spamgate_form_check( 'cf7' )['blocked'];
}

/**
 * The wpforms_process_honeypot filter (runs last): a non-empty answer makes
 * WPForms treat the entry as spam (logged, not saved, not mailed).
 *
 * @param string $honeypot '' or another filter's reason.
 * @return string
 */
function spamgate_wpforms_honeypot( $honeypot ) {
	if ( ! empty( $honeypot ) ) {
		return $honeypot;
	}
	$check = spamgate_form_check( 'wpforms' );
	return $check['blocked'] ? $check['reason'] : $honeypot;
}

/**
 * The gform_entry_is_spam filter (runs last): the entry is kept as spam and
 * no notification is sent; the reason goes to Gravity Forms' spam filter
 * note where the installed version has one.
 *
 * @param bool  $is_spam Gravity Forms' and the other filters' decision.
 * @param array $form    The form.
 * @return bool
 */
function spamgate_gform_entry_is_spam( $is_spam, $form = array() ) {
	if ( $is_spam ) {
		return $is_spam;
	}
	$check = spamgate_form_check( 'gravity' );
	if ( ! $check['blocked'] ) {
		return $is_spam;
	}
	if ( class_exists( 'GFCommon' ) && method_exists( 'GFCommon', 'set_spam_filter' ) ) {
		GFCommon::set_spam_filter( is_array( $form ) && isset( $form['id'] ) ? $form['id'] : 0, 'spamgate', $check['reason'] );
	}
	return true;
}

/**
 * The elementor_pro/forms/validation action: a blocked submission gets a
 * form error, so Elementor Pro answers with its error and sends nothing.
 *
 * @param object $record       Elementor Pro's form record.
 * @param object $ajax_handler Elementor Pro's Ajax_Handler.
 * @return void
 */
function spamgate_elementor_validation( $record, $ajax_handler = null ) {
	if ( ! is_object( $ajax_handler ) || ! spamgate_form_check( 'elementor' )['blocked'] ) {
		return;
	}
	if ( method_exists( $ajax_handler, 'add_error' ) ) {
		$ajax_handler->add_error( 'spamgate', spamgate_form_refusal_message() );
	}
	if ( method_exists( $ajax_handler, 'add_error_message' ) ) {
		$ajax_handler->add_error_message( spamgate_form_refusal_message() );
	}
}

/**
 * Adds the refusal to a registration's errors when spamgate blocked it.
 *
 * @param mixed  $errors A WP_Error (anything else is returned as it is).
 * @param string $form   'wp_register' or 'woo_register'.
 * @return mixed
 */
function spamgate_refuse_registration( $errors, $form ) {
	if ( is_object( $errors ) && method_exists( $errors, 'add' ) && spamgate_form_check( $form )['blocked'] ) {
		$errors->add( 'spamgate_held', spamgate_form_refusal_message() );
	}
	return $errors;
}

/**
 * The registration_errors filter (wp-login.php?action=register).
 *
 * @param WP_Error $errors The registration's errors.
 * @return WP_Error
 */
function spamgate_registration_errors( $errors ) {
	return spamgate_refuse_registration( $errors, 'wp_register' );
}

/**
 * The woocommerce_registration_errors filter, for the "My account"
 * registration form only (its nonce field is posted): WooCommerce runs the
 * same filter for accounts made at checkout, which spamgate does not score.
 *
 * @param WP_Error $errors The registration's errors.
 * @return WP_Error
 */
function spamgate_woocommerce_registration_errors( $errors ) {
	if ( ! isset( $_POST['woocommerce-register-nonce'] ) ) { // phpcs:ignore WordPress.Security.NonceVerification -- WooCommerce checks it; only its presence matters here.
		return $errors;
	}
	return spamgate_refuse_registration( $errors, 'woo_register' );
}
