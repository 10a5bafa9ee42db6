<?php
/**
 * spamgate: the settings screen (Settings > spamgate): how comments rescued
 * from the Blocked by spamgate screen are stored (option
 * spamgate_rescue_status, through the Settings API and options.php), the
 * learner's status and the button that trains it from the site's comments.
 * The button runs
 * batch by batch through admin-ajax.php (assets/train.js); without
 * JavaScript its form posts to admin-post.php, which runs every batch in one
 * request. Both need manage_options and the 'spamgate_train' nonce.
 *
 * @package spamgate
 */

/**
 * The settings screen's hook suffix (admin_enqueue_scripts): WordPress names
 * a page under Settings "settings_page_{slug}" in every language.
 */
define( 'SPAMGATE_SETTINGS_SCREEN', 'settings_page_spamgate' );

/**
 * The admin_menu action: adds Settings > spamgate for administrators.
 *
 * @return void
 */
function spamgate_settings_menu() {
	add_options_page(
		__( 'spamgate', 'spamgate' ),
		__( 'spamgate', 'spamgate' ),
		'manage_options',
		'spamgate',
		'spamgate_render_settings_page'
	);
}

/**
 * The admin_init action: registers the option spamgate_rescue_status
 * (group "spamgate", saved by options.php for manage_options).
 *
 * @return void
 */
function spamgate_register_settings() {
	register_setting(
		'spamgate',
		'spamgate_rescue_status',
		array(
			'type'              => 'string',
			'description'       => __( 'How comments rescued from the Blocked by spamgate screen are stored: pending or approved.', 'spamgate' ),
			'sanitize_callback' => 'spamgate_sanitize_rescue_status',
			'default'           => 'pending',
			'show_in_rest'      => false,
		)
	);
}

/**
 * The sanitize callback of spamgate_rescue_status: 'approved' or 'pending'.
 *
 * @param mixed $value From the form.
 * @return string
 */
function spamgate_sanitize_rescue_status( $value ) {
	return 'approved' === $value ? 'approved' : 'pending';
}

/**
 * The form of the "Rescued comments are" setting (posts to options.php).
 *
 * @return string HTML.
 */
function spamgate_rescue_settings_html() {
	$current = spamgate_rescue_status();
	$choices = array(
		'pending'  => __( 'Pending: you approve them in the Comments list', 'spamgate' ),
		'approved' => __( 'Approved: they appear on the site at once', 'spamgate' ),
	);
	ob_start();
	settings_fields( 'spamgate' );
	$fields = ob_get_clean();
	$html   = '<form method="post" action="' . esc_url( admin_url( 'options.php' ) ) . '" id="spamgate-settings-form">' . $fields;
	$html  .= '<table class="form-table" role="presentation"><tr><th scope="row">' . esc_html__( 'Rescued comments are', 'spamgate' ) . '</th><td><fieldset>';
	$html  .= '<legend class="screen-reader-text">' . esc_html__( 'Rescued comments are', 'spamgate' ) . '</legend>';
	foreach ( $choices as $value => $label ) {
		$html .= sprintf(
			'<label><input type="radio" name="spamgate_rescue_status" value="%1$s"%2$s> %3$s</label><br>',
			esc_attr( $value ),
			$value === $current ? ' checked="checked"' : '',
			esc_html( $label )
		);
	}
	$html .= '<p class="description">' . esc_html__( 'When you click "Not spam" on Comments > Blocked by spamgate, the comment is put back into WordPress with this status.', 'spamgate' ) . '</p>';
	$html .= '</fieldset></td></tr></table>';
	$html .= '<p class="submit"><button type="submit" class="button button-primary">' . esc_html__( 'Save Changes', 'spamgate' ) . '</button></p></form>';
	return $html;
}

/**
 * The admin_enqueue_scripts action, on the settings screen only:
 * assets/train.js, inline (a must-use plugin linked into mu-plugins has no
 * reliable URL), with its configuration and translated messages.
 *
 * @param string $hook_suffix The screen's hook suffix.
 * @return void
 */
function spamgate_settings_scripts( $hook_suffix ) {
	if ( SPAMGATE_SETTINGS_SCREEN !== $hook_suffix ) {
		return;
	}
	$config = array(
		'ajaxUrl' => admin_url( 'admin-ajax.php' ),
		'strings' => array(
			/* translators: 1: approved comments sent so far, 2: all approved comments. */
			'ham'     => __( 'Sent %1$s of %2$s approved comments, then the spam folder...', 'spamgate' ),
			/* translators: 1: approved comments sent, 2: spam comments sent so far, 3: all spam comments. */
			'spam'    => __( 'Sent %1$s approved comments and %2$s of %3$s comments from the spam folder...', 'spamgate' ),
			/* translators: 1: approved comments sent, 2: spam comments sent. */
			'done'    => __( 'Trained spamgate with %1$s ham and %2$s spam comments.', 'spamgate' ),
			/* translators: 1: approved comments sent, 2: spam comments sent, 3: the reason. */
			'failed'  => __( 'Training stopped after %1$s ham and %2$s spam comments: %3$s', 'spamgate' ),
			'unknown' => __( 'WordPress answered with something unexpected.', 'spamgate' ),
		),
	);
	$script = file_get_contents( dirname( __DIR__ ) . '/assets/train.js' ); // phpcs:ignore WordPress.WP.AlternativeFunctions
	wp_register_script( 'spamgate-train', false, array(), '0.1.0', true );
	wp_enqueue_script( 'spamgate-train' );
	wp_add_inline_script( 'spamgate-train', 'var spamgateTrain = ' . wp_json_encode( $config ) . ";\n" . $script );
}

/**
 * The notice after a no-JS training run (kept for the user who ran it), as
 * HTML; '' when there is none. Shown once.
 *
 * @return string
 */
function spamgate_train_notice_html() {
	$key    = 'spamgate_train_result_' . get_current_user_id();
	$result = get_transient( $key );
	if ( ! is_array( $result ) || ! isset( $result['error'] ) ) {
		return '';
	}
	delete_transient( $key );
	return sprintf(
		'<div class="notice %1$s spamgate-train-result"><p>%2$s</p></div>',
		'' === $result['error'] ? 'notice-success' : 'notice-error',
		esc_html( spamgate_train_result_line( $result ) )
	);
}

/**
 * The settings screen.
 *
 * @return void
 */
function spamgate_render_settings_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_die( esc_html__( 'Sorry, you are not allowed to manage spamgate.', 'spamgate' ), 403 );
	}
	$status = spamgate_model_status();
	$ham    = spamgate_train_total( 'ham' );
	$spam   = spamgate_train_total( 'spam' );
	echo '<div class="wrap"><h1>' . esc_html__( 'spamgate', 'spamgate' ) . '</h1>';
	echo spamgate_train_notice_html(); // phpcs:ignore WordPress.Security.EscapeOutput -- escaped when built.
	echo '<h2>' . esc_html__( 'Blocked by spamgate', 'spamgate' ) . '</h2>';
	echo spamgate_rescue_settings_html(); // phpcs:ignore WordPress.Security.EscapeOutput -- escaped when built.
	echo '<h2>' . esc_html__( 'Learned classifier', 'spamgate' ) . '</h2>';
	echo '<p id="spamgate-model-status">' . esc_html( spamgate_model_status_line( $status['model'] ) ) . '</p>';
	if ( '' !== $status['error'] ) {
		echo '<p class="description">' . esc_html( $status['error'] ) . '</p>';
	} elseif ( $status['model']['updated_at'] > 0 ) {
		echo '<p class="description">' . esc_html(
			sprintf(
				/* translators: %s: date and time. */
				__( 'Last changed %s.', 'spamgate' ),
				wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), $status['model']['updated_at'] )
			)
		) . '</p>';
	}
	echo '<p>' . esc_html__( 'spamgate learns from every comment you mark as spam or not spam. To give it a head start, send it what this site has already decided: approved comments as ham, the spam folder as spam. Sending them again does no harm: spamgate replaces what it holds for a comment.', 'spamgate' ) . '</p>';
	echo '<p>' . esc_html(
		sprintf(
			/* translators: 1: approved comments, 2: comments in the spam folder. */
			__( 'This site has %1$d approved comments and %2$d comments in the spam folder. Comments spamgate held as spam count as spam too: look through the spam folder first.', 'spamgate' ),
			$ham,
			$spam
		)
	) . '</p>';
	printf(
		'<form method="post" action="%1$s" id="spamgate-train-form" data-ham-total="%2$d" data-spam-total="%3$d">',
		esc_url( admin_url( 'admin-post.php' ) ),
		(int) $ham,
		(int) $spam
	);
	echo '<input type="hidden" name="action" value="spamgate_train">';
	wp_nonce_field( 'spamgate_train' );
	echo '<p><button type="submit" class="button button-primary">' . esc_html__( 'Train spamgate from this site\'s comments', 'spamgate' ) . '</button></p>';
	echo '</form>';
	echo '<p id="spamgate-train-progress" aria-live="polite"></p>';
	echo spamgate_try_rules_html(); // phpcs:ignore WordPress.Security.EscapeOutput -- escaped when built.
	echo '</div>';
}

/**
 * The wp_ajax_spamgate_train_batch action: one batch for the button
 * (POST phase=ham|spam, offset, _wpnonce). Answers with the batch's count,
 * where to go on ('next', null when over) and the learner's status line.
 *
 * @return void
 */
function spamgate_ajax_train_batch() {
	if ( ! current_user_can( 'manage_options' ) || ! check_ajax_referer( 'spamgate_train', '_wpnonce', false ) ) {
		wp_send_json_error( array( 'message' => __( 'Not allowed. Reload the page and try again.', 'spamgate' ) ), 403 );
	}
	$phase  = isset( $_POST['phase'] ) ? sanitize_key( wp_unslash( $_POST['phase'] ) ) : '';
	$offset = isset( $_POST['offset'] ) ? absint( wp_unslash( $_POST['offset'] ) ) : 0;
	if ( 'ham' !== $phase && 'spam' !== $phase ) {
		wp_send_json_error( array( 'message' => __( 'Unknown training phase.', 'spamgate' ) ), 400 );
	}
	$step = spamgate_train_step( $phase, $offset );
	if ( '' !== $step['error'] ) {
		wp_send_json_error( array( 'message' => $step['error'] ) );
	}
	wp_send_json_success(
		array(
			'phase'       => $phase,
			'sent'        => $step['sent'],
			'next'        => $step['next'],
			'status_line' => ( null === $step['next'] || null !== $step['model'] ) ? spamgate_model_status_line( $step['model'] ) : '',
		)
	);
}

/**
 * Runs every training batch now and keeps the result for the notice on the
 * settings screen (ten minutes, for the current user).
 *
 * @return array From spamgate_train_all().
 */
function spamgate_train_and_remember() {
	if ( function_exists( 'set_time_limit' ) ) {
		set_time_limit( 0 ); // A big history takes a while; the web server's own timeout still applies.
	}
	$result = spamgate_train_all();
	set_transient( 'spamgate_train_result_' . get_current_user_id(), $result, 10 * MINUTE_IN_SECONDS );
	return $result;
}

/**
 * The admin_post_spamgate_train action: the button without JavaScript.
 * Trains from every batch, then returns to the settings screen, which shows
 * the counts.
 *
 * @return void
 */
function spamgate_admin_post_train() {
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_die( esc_html__( 'Sorry, you are not allowed to train spamgate.', 'spamgate' ), 403 );
	}
	check_admin_referer( 'spamgate_train' );
	spamgate_train_and_remember();
	wp_safe_redirect( admin_url( 'options-general.php?page=spamgate' ) );
	exit;
}
