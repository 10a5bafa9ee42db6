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
 * @return array|null From Spamgate_Api_Answers::stats().
 */
function spamgate_stats() {
	$cached = get_transient( 'spamgate_stats' );
	if ( is_array( $cached ) ) {
		return isset( $cached['days'] ) ? $cached : null;
	}
	$stats = Spamgate_Api::stats()['data'];
	set_transient( 'spamgate_stats', null === $stats ? array( 'failed' => true ) : $stats, null === $stats ? MINUTE_IN_SECONDS : 5 * MINUTE_IN_SECONDS );
	return $stats;
}

/**
 * The one-line summary of spamgate's stats.
 *
 * @param array $stats From Spamgate_Api_Answers::stats().
 * @return string Plain text.
 */
function spamgate_stats_line( array $stats ) {
	$t = spamgate_stats_totals( $stats );
	/* translators: 1: number of days, 2: passed, 3: held, 4: rejected, 5: discarded submissions. */
	$format = _n( 'spamgate, last %1$d day: %2$d passed, %3$d held, %4$d rejected, %5$d discarded.', 'spamgate, last %1$d days: %2$d passed, %3$d held, %4$d rejected, %5$d discarded.', $t['days'], 'spamgate' );
	return sprintf(
		$format,
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
	if ( ! Spamgate_Api::configured() ) {
		echo '<div class="notice notice-error"><p>' . esc_html__( 'spamgate: define SPAMGATE_URL and SPAMGATE_SECRET in wp-config.php. Until then WordPress sends no mail at all.', 'spamgate' ) . '</p></div>';
	}
	$texts = array(
		'mail'        => __( 'spamgate could not take a mail from WordPress; it was not sent.', 'spamgate' ),
		'bypass'      => __( 'Comments are reaching WordPress without passing spamgate: check the web server config (wp-comments-post.php must go to spamgate). They are held.', 'spamgate' ),
		'form_bypass' => __( 'Form submissions are reaching WordPress without passing spamgate: check the web server config (the form plugins\' requests must go to spamgate). They are treated as spam.', 'spamgate' ),
	);
	foreach ( $texts as $kind => $text ) {
		$problem = get_option( 'spamgate_problem_' . $kind );
		if ( ! is_array( $problem ) ) {
			continue;
		}
		$dismiss = wp_nonce_url( admin_url( 'admin-post.php?action=spamgate_dismiss&kind=' . $kind ), 'spamgate_dismiss_' . $kind );
		printf(
			'<div class="notice notice-error spamgate-%1$s"><p><strong>%2$s</strong> %3$s <a href="%4$s">%5$s</a></p></div>',
			esc_attr( $kind ),
			esc_html( $text ),
			esc_html(
				sprintf(
					/* translators: 1: the last problem, 2: its date and time, 3: how often it happened. */
					_n( 'Last: %1$s (%2$s, %3$d time).', 'Last: %1$s (%2$s, %3$d times).', (int) $problem['count'], 'spamgate' ),
					$problem['message'],
					wp_date( 'Y-m-d H:i', (int) $problem['time'] ),
					(int) $problem['count']
				)
			),
			esc_url( $dismiss ),
			esc_html__( 'Dismiss', 'spamgate' )
		);
	}
	$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
	if ( $screen && 'edit-comments' === $screen->id && Spamgate_Api::configured() ) {
		$stats = spamgate_stats();
		$line  = null === $stats ? __( 'spamgate: stats are not available right now.', 'spamgate' ) : spamgate_stats_line( $stats );
		echo '<div class="notice notice-info"><p>' . esc_html( $line ) . '</p></div>';
	}
}

/**
 * The admin-post action behind a notice's Dismiss link.
 *
 * @return void
 */
function spamgate_dismiss_notice() {
	$kind = isset( $_GET['kind'] ) ? sanitize_key( wp_unslash( $_GET['kind'] ) ) : '';
	if ( ! in_array( $kind, array( 'mail', 'bypass', 'form_bypass' ), true ) || ! current_user_can( 'manage_options' ) ) {
		wp_die( esc_html__( 'Not allowed.', 'spamgate' ), 403 );
	}
	check_admin_referer( 'spamgate_dismiss_' . $kind );
	spamgate_clear_problem( $kind );
	wp_safe_redirect( wp_get_referer() ? wp_get_referer() : admin_url() );
	exit;
}

/**
 * The widget's lines about bounces of mail spamgate never sent (last 7
 * days): in red those whose returned message went through the site's own
 * account (change the SMTP password); plainly those that only carried the
 * site's address, forged (SPF, DKIM and DMARC advice). '' when none.
 *
 * @param array $stats From Spamgate_Api_Answers::stats().
 * @return string HTML.
 */
function spamgate_bounce_lines_html( array $stats ) {
	$forged  = min( $stats['forged_bounces_7d'], $stats['foreign_bounces_7d'] );
	$account = $stats['foreign_bounces_7d'] - $forged;
	$lines   = array(
		'spamgate-foreign-bounces' => $account > 0 ? sprintf(
			/* translators: %d: number of bounce reports. */
			_n(
				'%d bounce in the last 7 days was for mail spamgate never sent that went out through this site\'s mail account: someone may have its password. Change the SMTP password (spamgate bounces lists them).',
				'%d bounces in the last 7 days were for mail spamgate never sent that went out through this site\'s mail account: someone may have its password. Change the SMTP password (spamgate bounces lists them).',
				$account,
				'spamgate'
			),
			$account
		) : '',
		'spamgate-forged-bounces'  => $forged > 0 ? sprintf(
			/* translators: %d: number of bounce reports. */
			_n(
				'%d bounce in the last 7 days was for mail someone else sent with this site\'s address forged; no password is at stake. Publish SPF, DKIM and DMARC (p=quarantine or p=reject) for the domain so receivers refuse such mail.',
				'%d bounces in the last 7 days were for mail someone else sent with this site\'s address forged; no password is at stake. Publish SPF, DKIM and DMARC (p=quarantine or p=reject) for the domain so receivers refuse such mail.',
				$forged,
				'spamgate'
			),
			$forged
		) : '',
	);
	$html    = '';
	foreach ( array_filter( $lines ) as $class => $text ) {
		$red   = 'spamgate-foreign-bounces' === $class ? ' style="color:#b32d2e;font-weight:600"' : '';
		$html .= '<p class="' . $class . '"' . $red . '>' . esc_html( $text ) . '</p>';
	}
	return $html;
}

/**
 * The dashboard widget: the summary line, a chart of the last seven days
 * (includes/dashboard-chart.php), the counts per day as a table, the rules
 * that hit most, and a link to the Blocked by spamgate screen.
 *
 * @return void
 */
function spamgate_render_dashboard_widget() {
	$stats = spamgate_stats();
	if ( null === $stats ) {
		echo '<p>' . esc_html__( 'spamgate\'s stats are not available right now.', 'spamgate' ) . '</p>';
	} else {
		echo spamgate_bounce_lines_html( $stats ); // phpcs:ignore WordPress.Security.EscapeOutput -- escaped when built.
		echo '<p>' . esc_html( spamgate_stats_line( $stats ) ) . '</p>';
		echo spamgate_chart_html( $stats ); // phpcs:ignore WordPress.Security.EscapeOutput -- escaped when built.
		printf(
			'<table class="widefat striped"><thead><tr><th scope="col">%1$s</th><th scope="col">%2$s</th><th scope="col">%3$s</th><th scope="col">%4$s</th><th scope="col">%5$s</th></tr></thead><tbody>',
			esc_html__( 'Day', 'spamgate' ),
			esc_html__( 'Passed', 'spamgate' ),
			esc_html__( 'Held', 'spamgate' ),
			esc_html__( 'Rejected', 'spamgate' ),
			esc_html__( 'Discarded', 'spamgate' )
		);
		foreach ( array_reverse( $stats['days'] ) as $day ) {
			printf(
				'<tr><th scope="row">%s</th><td>%d</td><td>%d</td><td>%d</td><td>%d</td></tr>',
				esc_html( $day['date'] ),
				(int) $day['pass'],
				(int) $day['hold'],
				(int) $day['reject'],
				(int) $day['discard']
			);
		}
		echo '</tbody></table>';
		if ( ! empty( $stats['top_rules'] ) ) {
			echo '<p>' . esc_html__( 'Top rules:', 'spamgate' ) . '</p><ul>';
			foreach ( $stats['top_rules'] as $rule ) {
				printf( '<li><code>%s</code>: %d</li>', esc_html( $rule['rule'] ), (int) $rule['hits'] );
			}
			echo '</ul>';
		}
	}
	printf(
		'<p class="spamgate-blocked-link"><a href="%1$s">%2$s</a></p>',
		esc_url( admin_url( 'edit-comments.php?page=spamgate-blocked' ) ),
		esc_html__( 'Review what spamgate blocked', 'spamgate' )
	);
}

/**
 * The wp_dashboard_setup action: adds the widget for moderators.
 *
 * @return void
 */
function spamgate_dashboard_setup() {
	if ( current_user_can( 'moderate_comments' ) && Spamgate_Api::configured() ) {
		wp_add_dashboard_widget( 'spamgate_stats', __( 'spamgate', 'spamgate' ), 'spamgate_render_dashboard_widget' );
	}
}
