<?php
/**
 * spamgate: what the site owner sees: notices for mail failures and for
 * comments that bypass spamgate, and spamgate's counts (dashboard widget,
 * a line on the Comments screen). Read-only towards spamgate.
 *
 * @package spamgate
 */

/**
 * spamgate's stats, cached for five minutes in a transient; null when
 * spamgate cannot be asked or answers with something malformed (a failure
 * is cached for one minute so a down spamgate does not slow every page).
 *
 * @return array|null From spamgate_parse_stats().
 */
function spamgate_stats() {
	$cached = get_transient( 'spamgate_stats' );
	if ( is_array( $cached ) ) {
		return isset( $cached['days'] ) ? $cached : null;
	}
	$result = spamgate_api_request( 'GET', '/spamgate/stats', null, 3 );
	$stats  = 200 === $result['status'] ? spamgate_parse_stats( $result['body'] ) : null;
	set_transient( 'spamgate_stats', null === $stats ? array( 'failed' => true ) : $stats, null === $stats ? MINUTE_IN_SECONDS : 5 * MINUTE_IN_SECONDS );
	return $stats;
}

/**
 * The one-line summary of spamgate's stats.
 *
 * @param array $stats From spamgate_parse_stats().
 * @return string Plain text.
 */
function spamgate_stats_line( array $stats ) {
	$t = spamgate_stats_totals( $stats );
	return sprintf(
		'spamgate, last %d days: %d passed, %d held, %d rejected, %d discarded.',
		$t['days'],
		$t['pass'],
		$t['hold'],
		$t['reject'],
		$t['discard']
	);
}

/**
 * The admin_notices action: recorded problems (for users who manage the
 * site) and the stats line on the Comments screen.
 *
 * @return void
 */
function spamgate_admin_notices() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	if ( ! spamgate_configured() ) {
		echo '<div class="notice notice-error"><p>spamgate: define SPAMGATE_URL and SPAMGATE_SECRET in wp-config.php. Until then WordPress sends no mail at all.</p></div>';
	}
	$texts = array(
		'mail'   => 'spamgate could not take a mail from WordPress; it was not sent.',
		'bypass' => 'Comments are reaching WordPress without passing spamgate: check the web server config (wp-comments-post.php must go to spamgate). They are held.',
	);
	foreach ( $texts as $kind => $text ) {
		$problem = get_option( 'spamgate_problem_' . $kind );
		if ( ! is_array( $problem ) ) {
			continue;
		}
		$dismiss = wp_nonce_url( admin_url( 'admin-post.php?action=spamgate_dismiss&kind=' . $kind ), 'spamgate_dismiss_' . $kind );
		printf(
			'<div class="notice notice-error spamgate-%1$s"><p><strong>%2$s</strong> Last: %3$s (%4$s, %5$d times). <a href="%6$s">Dismiss</a></p></div>',
			esc_attr( $kind ),
			esc_html( $text ),
			esc_html( $problem['message'] ),
			esc_html( wp_date( 'Y-m-d H:i', (int) $problem['time'] ) ),
			(int) $problem['count'],
			esc_url( $dismiss )
		);
	}
	$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
	if ( $screen && 'edit-comments' === $screen->id && spamgate_configured() ) {
		$stats = spamgate_stats();
		$line  = null === $stats ? 'spamgate: stats are not available right now.' : spamgate_stats_line( $stats );
		echo '<div class="notice notice-info"><p>' . esc_html( $line ) . '</p></div>';
	}
}
add_action( 'admin_notices', 'spamgate_admin_notices' );

/**
 * The admin-post action behind a notice's Dismiss link.
 *
 * @return void
 */
function spamgate_dismiss_notice() {
	$kind = isset( $_GET['kind'] ) ? sanitize_key( wp_unslash( $_GET['kind'] ) ) : '';
	if ( ! in_array( $kind, array( 'mail', 'bypass' ), true ) || ! current_user_can( 'manage_options' ) ) {
		wp_die( 'Not allowed.', 403 );
	}
	check_admin_referer( 'spamgate_dismiss_' . $kind );
	spamgate_clear_problem( $kind );
	wp_safe_redirect( wp_get_referer() ? wp_get_referer() : admin_url() );
	exit;
}
add_action( 'admin_post_spamgate_dismiss', 'spamgate_dismiss_notice' );

/**
 * The dashboard widget: counts per day and the rules that hit most.
 *
 * @return void
 */
function spamgate_render_dashboard_widget() {
	$stats = spamgate_stats();
	if ( null === $stats ) {
		echo '<p>spamgate\'s stats are not available right now.</p>';
		return;
	}
	echo '<p>' . esc_html( spamgate_stats_line( $stats ) ) . '</p>';
	echo '<table class="widefat striped"><thead><tr><th>Day</th><th>Passed</th><th>Held</th><th>Rejected</th><th>Discarded</th></tr></thead><tbody>';
	foreach ( array_reverse( $stats['days'] ) as $day ) {
		printf(
			'<tr><td>%s</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td></tr>',
			esc_html( $day['date'] ),
			(int) $day['pass'],
			(int) $day['hold'],
			(int) $day['reject'],
			(int) $day['discard']
		);
	}
	echo '</tbody></table>';
	if ( ! empty( $stats['top_rules'] ) ) {
		echo '<p>Top rules:</p><ul>';
		foreach ( $stats['top_rules'] as $rule ) {
			printf( '<li><code>%s</code>: %d</li>', esc_html( $rule['rule'] ), (int) $rule['hits'] );
		}
		echo '</ul>';
	}
}

/**
 * The wp_dashboard_setup action: adds the widget for moderators.
 *
 * @return void
 */
function spamgate_dashboard_setup() {
	if ( current_user_can( 'moderate_comments' ) && spamgate_configured() ) {
		wp_add_dashboard_widget( 'spamgate_stats', 'spamgate', 'spamgate_render_dashboard_widget' );
	}
}
add_action( 'wp_dashboard_setup', 'spamgate_dashboard_setup' );
