<?php
/**
 * Tests of the dashboard widget's seven-day chart
 * (includes/dashboard-chart.php) and the widget around it (includes/admin.php).
 *
 * @package spamgate
 */

use PHPUnit\Framework\TestCase;

/** Tests of spamgate_chart_days, spamgate_chart_html and the widget. */
final class DashboardChartTest extends TestCase {

	protected function setUp(): void {
		spamgate_test_reset();
	}

	private static function stats() {
		$days = array();
		for ( $d = 1; $d <= 8; $d++ ) {
			$days[] = array(
				'date'    => sprintf( '2025-11-%02d', 20 + $d ),
				'pass'    => 10 * $d,
				'hold'    => $d,
				'reject'  => 2 * $d,
				'discard' => 0,
			);
		}
		return Spamgate_Api_Answers::stats( json_decode( json_encode( array( 'days' => $days, 'top_rules' => array( array( 'rule' => 'PHARMA', 'hits' => 9 ) ) ) ), true ) );
	}

	public function test_the_chart_counts_come_from_the_last_seven_days_of_the_stats_answer() {
		$days = spamgate_chart_days( self::stats() );
		$this->assertCount( 7, $days );
		$this->assertSame( '2025-11-22', $days[0]['date'] );
		$this->assertSame( '11-22', $days[0]['label'] );
		$this->assertSame(
			array(
				'pass'    => 20,
				'hold'    => 2,
				'reject'  => 4,
				'discard' => 0,
			),
			$days[0]['counts']
		);
		$this->assertSame( 80, $days[6]['counts']['pass'] );
	}

	public function test_the_chart_has_a_bar_per_day_and_action_with_its_count_and_a_legend_with_totals() {
		$html = spamgate_chart_html( self::stats() );
		$this->assertSame( 28, substr_count( $html, '<rect ' ) );
		$this->assertStringContainsString( '<svg class="spamgate-chart" viewBox="0 0 420 120" width="100%" height="150" role="img" aria-label="Submissions per day by spamgate&#039;s action, last 7 days; the table below has the numbers."', $html );
		// The largest count (80 passed) is the full height; 4 rejected is 4/80 of it; 0 discarded has no height.
		$this->assertStringContainsString( '<rect class="spamgate-bar-pass" x="365" y="4" width="12" height="96" fill="#00a32a"><title>2025-11-28: 80 passed</title></rect>', $html );
		$this->assertStringContainsString( '<rect class="spamgate-bar-reject" x="31" y="95" width="12" height="5" fill="#d63638"><title>2025-11-22: 4 rejected</title></rect>', $html );
		$this->assertStringContainsString( '<rect class="spamgate-bar-hold" x="18" y="98" width="12" height="2" fill="#dba617"><title>2025-11-22: 2 held</title></rect>', $html );
		$this->assertStringContainsString( 'height="0" fill="#646970"><title>2025-11-22: 0 discarded</title>', $html );
		$this->assertStringContainsString( '>11-28</text>', $html );
		$this->assertStringContainsString( '</span>Passed: 350</li>', $html );
		$this->assertStringContainsString( '</span>Held: 35</li>', $html );
		$this->assertStringContainsString( '</span>Rejected: 70</li>', $html );
		$this->assertStringContainsString( '</span>Discarded: 0</li>', $html );
	}

	public function test_a_small_count_stays_visible_and_dates_are_escaped() {
		$stats = Spamgate_Api_Answers::stats( json_decode( '{"days":[{"date":"<b>x</b>","pass":1000,"hold":1}]}', true ) );
		$html  = spamgate_chart_html( $stats );
		$this->assertStringContainsString( 'height="1" fill="#dba617"><title>&lt;b&gt;x&lt;/b&gt;: 1 held</title>', $html );
		$this->assertStringContainsString( '>&lt;b&gt;x&lt;/b&gt;</text>', $html );
		$this->assertStringNotContainsString( '<b>', $html );
		$this->assertSame( '', spamgate_chart_html( Spamgate_Api_Answers::stats( json_decode( '{"days":[]}', true ) ) ) );
	}

	public function test_the_widget_asks_for_seven_days_and_links_to_the_blocked_screen() {
		spamgate_test_reset( array( array( 200, json_encode( array( 'days' => array( array( 'date' => '2025-12-01', 'pass' => 3, 'reject' => 1 ) ) ) ) ) ) );
		ob_start();
		spamgate_render_dashboard_widget();
		$html = ob_get_clean();
		$this->assertSame( 'http://127.0.0.1:8080/spamgate/stats?days=7', $GLOBALS['spamgate_test']['requests'][0][0] );
		$this->assertStringContainsString( '<p>spamgate, last 1 day: 3 passed, 0 held, 1 rejected, 0 discarded.</p>', $html );
		$this->assertStringContainsString( '<svg class="spamgate-chart"', $html );
		$this->assertStringContainsString( '<tr><th scope="row">2025-12-01</th><td>3</td><td>0</td><td>1</td><td>0</td></tr>', $html );
		$this->assertStringContainsString( '<a href="http://blog.example/wp-admin/edit-comments.php?page=spamgate-blocked">Review what spamgate blocked</a>', $html );
		$this->assertStringNotContainsString( 'spamgate-foreign-bounces', $html );
	}

	public function test_the_widget_shows_a_red_line_when_foreign_bounces_went_through_the_account_this_week() {
		spamgate_test_reset( array( array( 200, json_encode( array( 'days' => array(), 'foreign_bounces_7d' => 2 ) ) ) ) );
		ob_start();
		spamgate_render_dashboard_widget();
		$html = ob_get_clean();
		$this->assertStringContainsString( '<p class="spamgate-foreign-bounces" style="color:#b32d2e;font-weight:600">2 bounces in the last 7 days were for mail spamgate never sent that went out through this site&#039;s mail account', $html );
		$this->assertStringNotContainsString( 'spamgate-forged-bounces', $html );
	}

	public function test_forged_bounces_get_spf_dkim_dmarc_advice_and_no_red_line() {
		$html = spamgate_bounce_lines_html( Spamgate_Api_Answers::stats( json_decode( '{"days":[],"foreign_bounces_7d":3,"forged_bounces_7d":3}', true ) ) );
		$this->assertStringNotContainsString( 'spamgate-foreign-bounces', $html );
		$this->assertStringContainsString( '<p class="spamgate-forged-bounces">3 bounces in the last 7 days were for mail someone else sent with this site&#039;s address forged; no password is at stake. Publish SPF, DKIM and DMARC', $html );

		$both = spamgate_bounce_lines_html( Spamgate_Api_Answers::stats( json_decode( '{"days":[],"foreign_bounces_7d":4,"forged_bounces_7d":3}', true ) ) );
		$this->assertStringContainsString( '>1 bounce in the last 7 days was for mail spamgate never sent that went out through', $both );
		$this->assertStringContainsString( '>3 bounces in the last 7 days were for mail someone else sent', $both );
	}

	public function test_the_widget_without_stats_still_links_to_the_screen() {
		ob_start();
		spamgate_render_dashboard_widget();
		$html = ob_get_clean();
		$this->assertStringContainsString( 'spamgate&#039;s stats are not available right now.', $html );
		$this->assertStringContainsString( 'page=spamgate-blocked', $html );
		$this->assertSame( array( 'failed' => true ), get_transient( 'spamgate_stats' ) );
	}
}
