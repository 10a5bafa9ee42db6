<?php
/**
 * Tests of the "Try rules" box (includes/rules-try.php): the form on the
 * settings screen, the admin-post handler's capability and nonce checks and
 * the request it makes, the difference table (escaped, Japanese kept) and
 * spamgate's errors.
 *
 * @package spamgate
 */

use PHPUnit\Framework\TestCase;

/** Tests of spamgate_try_rules, spamgate_admin_post_try_rules and spamgate_try_rules_html. */
final class RulesTryTest extends TestCase {

	const LINES = "body DATING /出会い系/\nscore DATING 6";

	protected function setUp(): void {
		spamgate_test_reset();
		$GLOBALS['spamgate_test']['can'] = true;
		$_POST                           = array();
		$_REQUEST                        = array();
	}

	protected function tearDown(): void {
		$_POST    = array();
		$_REQUEST = array();
	}

	private static function report() {
		return wp_json_encode(
			array(
				'scored'         => 4,
				'labelled'       => 2,
				'newly_blocked'  => array(
					'count'           => 2,
					'marked_not_spam' => 1,
				),
				'newly_passed'   => array(
					'count'       => 0,
					'marked_spam' => 0,
				),
				'replaced'       => array(),
				'rules'          => array(
					array(
						'rule'                   => 'DATING',
						'newly_blocked'          => 2,
						'newly_blocked_not_spam' => 1,
						'newly_passed'           => 0,
						'newly_passed_spam'      => 0,
						'examples'               => array(
							array(
								'id'     => 'a1',
								'before' => 'pass',
								'after'  => 'hold',
								'owner'  => 'not spam',
								'text'   => '田中: 出会い系詐欺の<script>alert(1)</script>記事',
							),
							array(
								'id'     => 'a2',
								'before' => 'pass',
								'after'  => 'hold',
								'owner'  => null,
								'text'   => '美咲: 出会い系サイト',
							),
						),
					),
				),
			)
		);
	}

	private function post( $lines, $nonce = 'nonce-spamgate_try_rules' ) {
		$_POST    = array(
			'action'             => 'spamgate_try_rules',
			'spamgate_try_rules' => wp_slash( $lines ),
			'_wpnonce'           => $nonce,
		);
		$_REQUEST = $_POST;
		try {
			spamgate_admin_post_try_rules();
		} catch ( Spamgate_Test_Exit $exit ) {
			return $exit;
		}
		$this->fail( 'the handler did not answer' );
	}

	public function test_the_settings_screen_has_the_box_with_its_nonce() {
		$html = spamgate_try_rules_html();
		$this->assertStringContainsString( '<h2>Try rules</h2>', $html );
		$this->assertStringContainsString( '<form method="post" action="http://blog.example/wp-admin/admin-post.php" id="spamgate-try-form">', $html );
		$this->assertStringContainsString( '<input type="hidden" name="action" value="spamgate_try_rules">', $html );
		$this->assertStringContainsString( 'name="_wpnonce" value="nonce-spamgate_try_rules"', $html );
		$this->assertStringContainsString( '<textarea name="spamgate_try_rules" id="spamgate-try-rules"', $html );
		$this->assertStringContainsString( 'Nothing changes until you edit the rule file.', $html );
		$this->assertStringNotContainsString( 'spamgate-try-result', $html );
	}

	public function test_trying_posts_the_lines_and_the_screen_shows_the_difference_once_escaped() {
		spamgate_test_reset( array( array( 200, self::report() ) ) );
		$GLOBALS['spamgate_test']['can'] = true;
		$exit                            = $this->post( self::LINES );
		$this->assertSame( 'redirect', $exit->getMessage() );
		$this->assertSame( 'http://blog.example/wp-admin/options-general.php?page=spamgate#spamgate-try-form', $exit->data );
		$this->assertCount( 1, $GLOBALS['spamgate_test']['requests'] );
		list( $url, $args ) = $GLOBALS['spamgate_test']['requests'][0];
		$this->assertSame( 'http://127.0.0.1:8080/spamgate/rules/try', $url );
		$this->assertSame( 'POST', $args['method'] );
		$this->assertSame( 'Bearer test-secret', $args['headers']['Authorization'] );
		$this->assertSame( array( 'rules' => self::LINES ), json_decode( $args['body'], true ) );

		$html = spamgate_try_rules_html();
		$this->assertStringContainsString( 'Scored 4 stored submissions. With these lines, 2 would be newly blocked (1 of them you marked not spam) and 0 newly let through (0 of them you marked spam).', $html );
		$this->assertStringContainsString( '<tr><td><code>DATING</code></td><td>2</td><td>1</td><td>0</td><td>0</td>', $html );
		$this->assertStringContainsString( 'pass -&gt; hold: 田中: 出会い系詐欺の&lt;script&gt;alert(1)&lt;/script&gt;記事 <em>(you marked it not spam)</em>', $html );
		$this->assertStringContainsString( 'pass -&gt; hold: 美咲: 出会い系サイト</li>', $html );
		$this->assertStringNotContainsString( '<script>', $html );
		$this->assertStringContainsString( '>body DATING /出会い系/' . "\n" . 'score DATING 6</textarea>', $html );
		$this->assertStringNotContainsString( 'spamgate-try-result', spamgate_try_rules_html() );  // Shown once.
	}

	public function test_spamgate_errors_are_listed_escaped() {
		$errors = wp_json_encode(
			array(
				'error'  => 'the candidate rules do not load',
				'errors' => array( 'candidate:1: JA: invalid regex: Unmatched ( or \\( <here>' ),
			)
		);
		spamgate_test_reset( array( array( 400, $errors ) ) );
		$GLOBALS['spamgate_test']['can'] = true;
		$this->post( 'body JA /(出会い系/' );
		$html = spamgate_try_rules_html();
		$this->assertStringContainsString( '<div class="notice notice-error spamgate-try-errors">', $html );
		$this->assertStringContainsString( '<li><code>candidate:1: JA: invalid regex: Unmatched ( or \\( &lt;here&gt;</code></li>', $html );
		$this->assertStringContainsString( '>body JA /(出会い系/</textarea>', $html );
	}

	public function test_an_unreachable_spamgate_and_an_empty_box_are_said_so_without_a_request() {
		$this->post( "  \n" );
		$this->assertCount( 0, $GLOBALS['spamgate_test']['requests'] );
		$this->assertStringContainsString( 'Paste at least one rule line.', spamgate_try_rules_html() );
		$this->post( self::LINES );  // No response queued: the request fails.
		$this->assertStringContainsString( 'spamgate unreachable at http://127.0.0.1:8080/', spamgate_try_rules_html() );
	}

	public function test_without_the_capability_or_the_nonce_nothing_is_sent() {
		$GLOBALS['spamgate_test']['can'] = false;
		$exit                            = $this->post( self::LINES );
		$this->assertSame( 'die', $exit->getMessage() );
		$this->assertSame( 403, $exit->status );
		$GLOBALS['spamgate_test']['can'] = true;
		$exit                            = $this->post( self::LINES, 'nonce-other' );
		$this->assertSame( 'die', $exit->getMessage() );
		$this->assertCount( 0, $GLOBALS['spamgate_test']['requests'] );
		$this->assertFalse( get_transient( 'spamgate_try_result_1' ) );
	}
}
