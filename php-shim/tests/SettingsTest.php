<?php
/**
 * Tests of the settings screen (includes/settings.php): the form the no-JS
 * fallback and the e2e test post, the AJAX batch handler's checks and
 * answers, the result notice.
 *
 * @package spamgate
 */

use PHPUnit\Framework\TestCase;

/** Tests of spamgate_render_settings_page, spamgate_ajax_train_batch and the notice. */
final class SettingsTest extends TestCase {

	const MODEL = '{"spam":1,"ham":2,"min_per_class":40,"active":false,"updated_at":0}';

	protected function setUp(): void {
		spamgate_test_reset();
		$GLOBALS['spamgate_test']['can'] = true;
		$_POST                           = array();
	}

	protected function tearDown(): void {
		$_POST = array();
	}

	private static function spam_folder( $count ) {
		for ( $id = 1; $id <= $count; $id++ ) {
			$GLOBALS['spamgate_test']['comments'][] = (object) array(
				'comment_ID'           => (string) $id,
				'comment_approved'     => 'spam',
				'comment_type'         => 'comment',
				'comment_author'       => 'Bot',
				'comment_author_email' => 'bot@example.net',
				'comment_author_url'   => 'http://bit.ly/x',
				'comment_author_IP'    => '198.51.100.1',
				'comment_content'      => 'subscribe to my channel',
			);
		}
	}

	private function ajax() {
		try {
			spamgate_ajax_train_batch();
		} catch ( Spamgate_Test_Exit $exit ) {
			return $exit;
		}
		$this->fail( 'the handler did not answer' );
	}

	private function render() {
		ob_start();
		try {
			spamgate_render_settings_page();
		} finally {
			$html = ob_get_clean();
		}
		return $html;
	}

	public function test_the_page_shows_the_status_and_the_form_the_fallback_posts() {
		spamgate_test_reset( array( array( 200, self::MODEL ) ) );
		$GLOBALS['spamgate_test']['can'] = true;
		self::spam_folder( 3 );
		$html = $this->render();
		$this->assertStringContainsString( '<p id="spamgate-model-status">Learned from 1 spam and 2 ham; the learner acts once it has 40 of each.</p>', $html );
		$this->assertStringContainsString( '<form method="post" action="http://blog.example/wp-admin/admin-post.php" id="spamgate-train-form" data-ham-total="0" data-spam-total="3">', $html );
		$this->assertStringContainsString( '<input type="hidden" name="action" value="spamgate_train">', $html );
		$this->assertStringContainsString( 'name="_wpnonce" value="nonce-spamgate_train"', $html );
		$this->assertStringContainsString( '<button type="submit" class="button button-primary">Train spamgate from this site&#039;s comments</button>', $html );
		$this->assertStringContainsString( 'This site has 0 approved comments and 3 comments in the spam folder.', $html );
	}

	public function test_the_page_says_why_the_status_is_missing_and_escapes_it() {
		spamgate_test_reset( array( array( 500, '<b>boom</b>' ) ) );
		$GLOBALS['spamgate_test']['can'] = true;
		$html                            = $this->render();
		$this->assertStringContainsString( 'The learner&#039;s status is not available right now.', $html );
		$this->assertStringContainsString( 'spamgate refused the request (HTTP 500): &lt;b&gt;boom&lt;/b&gt;', $html );
	}

	public function test_the_page_needs_manage_options() {
		$GLOBALS['spamgate_test']['can'] = false;
		try {
			$this->render();
			$this->fail( 'rendered for a user without manage_options' );
		} catch ( Spamgate_Test_Exit $exit ) {
			$this->assertSame( 'die', $exit->getMessage() );
			$this->assertSame( 403, $exit->status );
		}
		$this->assertCount( 0, $GLOBALS['spamgate_test']['requests'] );
	}

	public function test_ajax_refuses_without_the_capability_or_the_nonce() {
		$_POST = array(
			'phase'  => 'ham',
			'offset' => '0',
		);
		$GLOBALS['spamgate_test']['can'] = false;
		$exit                            = $this->ajax();
		$this->assertSame( 'error', $exit->getMessage() );
		$this->assertSame( 403, $exit->status );

		$GLOBALS['spamgate_test']['can']      = true;
		$GLOBALS['spamgate_test']['nonce_ok'] = false;
		$this->assertSame( 403, $this->ajax()->status );
		$this->assertCount( 0, $GLOBALS['spamgate_test']['queries'] );
	}

	public function test_ajax_refuses_an_unknown_phase() {
		$_POST = array( 'phase' => 'all' );
		$exit  = $this->ajax();
		$this->assertSame( 'error', $exit->getMessage() );
		$this->assertSame( 400, $exit->status );
	}

	public function test_ajax_runs_one_batch_and_says_where_to_go_on() {
		spamgate_test_reset( array( array( 200, '{"stored":200,"replaced":0,"model":' . self::MODEL . '}' ) ) );
		$GLOBALS['spamgate_test']['can'] = true;
		self::spam_folder( 201 );
		$_POST = array(
			'phase'  => 'spam',
			'offset' => '0',
		);
		$exit  = $this->ajax();
		$this->assertSame( 'success', $exit->getMessage() );
		$this->assertSame(
			array(
				'phase'       => 'spam',
				'sent'        => 200,
				'next'        => array(
					'phase'  => 'spam',
					'offset' => 200,
				),
				'status_line' => 'Learned from 1 spam and 2 ham; the learner acts once it has 40 of each.',
			),
			$exit->data
		);
		$this->assertCount( 200, json_decode( $GLOBALS['spamgate_test']['requests'][0][1]['body'], true )['items'] );
	}

	public function test_ajax_ends_with_the_status_line_and_reports_errors() {
		spamgate_test_reset( array( array( 200, self::MODEL ) ) );
		$GLOBALS['spamgate_test']['can'] = true;
		$_POST                           = array(
			'phase'  => 'spam',
			'offset' => '0',
		);
		$exit                            = $this->ajax();
		$this->assertNull( $exit->data['next'] );
		$this->assertSame( 0, $exit->data['sent'] );
		$this->assertSame( 'Learned from 1 spam and 2 ham; the learner acts once it has 40 of each.', $exit->data['status_line'] );

		spamgate_test_reset( array( array( 400, 'item 1: body is empty' ) ) );
		$GLOBALS['spamgate_test']['can'] = true;
		self::spam_folder( 1 );
		$exit = $this->ajax();
		$this->assertSame( 'error', $exit->getMessage() );
		$this->assertSame( 'spamgate refused the request (HTTP 400): item 1: body is empty', $exit->data['message'] );
	}

	public function test_the_fallback_keeps_the_result_for_one_notice_on_the_settings_page() {
		spamgate_test_reset( array( array( 200, '{"stored":2,"replaced":0,"model":' . self::MODEL . '}' ), array( 200, self::MODEL ) ) );
		$GLOBALS['spamgate_test']['user_id'] = 7;
		self::spam_folder( 2 );
		$result = spamgate_train_and_remember();
		$this->assertSame( 2, $result['spam'] );
		$this->assertSame( $result, get_transient( 'spamgate_train_result_7' ) );
		$this->assertSame(
			'<div class="notice notice-success spamgate-train-result"><p>Trained spamgate with 0 ham and 2 spam comments.</p></div>',
			spamgate_train_notice_html()
		);
		$this->assertSame( '', spamgate_train_notice_html() );
	}

	public function test_a_failed_fallback_run_shows_an_error_notice() {
		$GLOBALS['spamgate_test']['user_id'] = 7;
		self::spam_folder( 1 );
		spamgate_train_and_remember();
		$html = spamgate_train_notice_html();
		$this->assertStringContainsString( 'notice-error', $html );
		$this->assertStringContainsString( 'Training stopped after 0 ham and 0 spam comments: spamgate unreachable at', $html );
	}

	public function test_the_rescue_setting_defaults_to_pending_and_posts_to_options_php() {
		$html = spamgate_rescue_settings_html();
		$this->assertStringContainsString( '<form method="post" action="http://blog.example/wp-admin/options.php" id="spamgate-settings-form"><input type="hidden" name="option_page" value="spamgate">', $html );
		$this->assertStringContainsString( 'name="_wpnonce" value="nonce-spamgate-options"', $html );
		$this->assertStringContainsString( '<th scope="row">Rescued comments are</th>', $html );
		$this->assertStringContainsString( '<input type="radio" name="spamgate_rescue_status" value="pending" checked="checked"> Pending', $html );
		$this->assertStringContainsString( '<input type="radio" name="spamgate_rescue_status" value="approved"> Approved', $html );

		update_option( 'spamgate_rescue_status', 'approved' );
		$this->assertSame( 'approved', spamgate_rescue_status() );
		$this->assertStringContainsString( 'value="approved" checked="checked"', spamgate_rescue_settings_html() );
		update_option( 'spamgate_rescue_status', 'bogus' );
		$this->assertSame( 'pending', spamgate_rescue_status() );
	}

	public function test_the_rescue_setting_is_sanitized() {
		$this->assertSame( 'approved', spamgate_sanitize_rescue_status( 'approved' ) );
		$this->assertSame( 'pending', spamgate_sanitize_rescue_status( 'pending' ) );
		$this->assertSame( 'pending', spamgate_sanitize_rescue_status( array( 'approved' ) ) );
		$this->assertSame( 'pending', spamgate_sanitize_rescue_status( '<script>' ) );
	}
}
