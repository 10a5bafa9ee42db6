<?php
/**
 * Tests of the acceptance rules a rescued comment must meet
 * (includes/rescue-checks.php) and of the owner's explicit override: each
 * rule wp-comments-post.php applies refuses the rescue with its reason,
 * nothing is inserted or decided, the screen offers "Restore anyway" with
 * its own nonce, and only that restores the comment.
 *
 * @package spamgate
 */

use PHPUnit\Framework\TestCase;

/** Tests of spamgate_rescue_check() through spamgate_review_decide() and the row action. */
final class RescueChecksTest extends TestCase {

	const ID = '0123456789abcdef';

	protected function setUp(): void {
		spamgate_test_reset();
		$_GET     = array();
		$_REQUEST = array();
	}

	protected function tearDown(): void {
		$_GET     = array();
		$_REQUEST = array();
	}

	private static function item( array $changes = array() ) {
		return array_merge(
			array(
				'id'         => self::ID,
				'created_at' => 1764590400,
				'endpoint'   => '/wp-comments-post.php',
				'kind'       => 'comment',
				'ip'         => '192.0.2.7',
				'user_agent' => 'Mozilla/5.0',
				'action'     => 'reject',
				'score'      => 7.5,
				'rules'      => 'LINKS_3',
				'author'     => '田中 花子',
				'email'      => 'hanako@example.jp',
				'url'        => '',
				'subject'    => '',
				'body'       => "とても参考になりました。\nありがとうございます！",
				'post_id'    => 42,
				'parent'     => null,
			),
			$changes
		);
	}

	private static function decided() {
		return array( 200, json_encode( array( 'id' => self::ID, 'decision' => 'ham', 'previous' => null, 'mailed' => false, 'item' => self::item() ) ) );
	}

	/**
	 * Rescues the item (spamgate answers the fetch, and the decision when it is asked) with post 42 as given.
	 *
	 * @param array $post     Post 42's fields besides the defaults (published, open, no password, type post).
	 * @param array $item     Changes to the submission.
	 * @param bool  $override "Restore anyway".
	 * @return array From spamgate_review_decide().
	 */
	private static function rescue( array $post, array $item = array(), $override = false ) {
		spamgate_test_reset( array( array( 200, json_encode( self::item( $item ) ) ), self::decided() ) );
		$GLOBALS['spamgate_test']['posts'][42] = (object) array_merge(
			array(
				'ID'         => 42,
				'post_title' => 'お知らせ',
			),
			$post
		);
		return spamgate_review_decide( self::ID, 'ham', $override );
	}

	/**
	 * Asserts that a rescue was refused with `$reason`, offered for override, inserted nothing and decided nothing.
	 *
	 * @param array  $result From rescue().
	 * @param string $reason Part of the expected reason.
	 * @return void
	 */
	private function assertRefused( array $result, $reason ) {
		$this->assertStringContainsString( $reason, $result['error'] );
		$this->assertTrue( $result['overridable'] );
		$this->assertSame( 0, $result['comment_id'] );
		$this->assertCount( 0, $GLOBALS['spamgate_test']['inserted'] );
		$this->assertCount( 1, $GLOBALS['spamgate_test']['requests'] ); // The fetch only: no decision recorded.
	}

	public function test_a_japanese_comment_on_an_open_published_post_is_restored_intact() {
		$result = self::rescue( array() );
		$this->assertSame( '', $result['error'] );
		$this->assertFalse( $result['overridable'] );
		$stored = $GLOBALS['spamgate_test']['inserted'][ $result['comment_id'] ];
		$this->assertSame( '田中 花子', $stored['comment_author'] );
		$this->assertSame( "とても参考になりました。\nありがとうございます！", $stored['comment_content'] );
	}

	public function test_comments_closed_is_refused() {
		$this->assertRefused( self::rescue( array( 'comment_status' => 'closed' ) ), 'Comments are closed on the post (ID 42).' );
	}

	public function test_a_post_that_is_not_published_is_refused() {
		foreach ( array( 'private', 'draft', 'pending', 'future' ) as $status ) {
			$this->assertRefused( self::rescue( array( 'post_status' => $status ) ), 'is not published (its status is "' . $status . '")' );
		}
	}

	public function test_a_password_protected_post_is_refused() {
		$this->assertRefused( self::rescue( array( 'post_password' => 'ひみつ' ) ), 'The post (ID 42) is password-protected' );
	}

	public function test_a_post_type_without_comments_is_refused() {
		$this->assertRefused( self::rescue( array( 'post_type' => 'product' ) ), 'Posts of this type (ID 42 is a "product") do not take comments.' );
	}

	public function test_fields_over_wordpress_lengths_are_refused_counting_bytes() {
		// 82 Japanese characters are 246 bytes: one more than comment_author's 245.
		$this->assertRefused( self::rescue( array(), array( 'author' => str_repeat( '花', 82 ) ) ), '(comment_author_column_length)' );
		$this->assertSame( '', self::rescue( array(), array( 'author' => str_repeat( '花', 81 ) ) )['error'] );
		$this->assertRefused( self::rescue( array(), array( 'email' => str_repeat( 'a', 95 ) . '@x.jp' . 'p' ) ), '(comment_author_email_column_length)' );
		$this->assertRefused( self::rescue( array(), array( 'url' => 'https://example.jp/' . str_repeat( 'あ', 61 ) ) ), '(comment_author_url_column_length)' );
		$this->assertRefused( self::rescue( array(), array( 'body' => str_repeat( 'あ', 21842 ) ) ), '(comment_content_column_length)' );
	}

	public function test_the_override_restores_the_refused_comment_and_records_the_decision() {
		$result = self::rescue( array( 'comment_status' => 'closed' ), array(), true );
		$this->assertSame( '', $result['error'] );
		$this->assertSame( 100, $result['comment_id'] );
		$this->assertSame( '田中 花子', $GLOBALS['spamgate_test']['inserted'][100]['comment_author'] );
		$this->assertCount( 2, $GLOBALS['spamgate_test']['requests'] );
	}

	public function test_the_screen_offers_restore_anyway_with_its_own_nonce_and_only_that_nonce_overrides() {
		$refused = self::rescue( array( 'comment_status' => 'closed' ) );
		spamgate_review_remember( array( $refused ) );
		$html = spamgate_review_notices_html();
		$this->assertStringContainsString( '<p>' . self::ID . ': Comments are closed on the post (ID 42).</p>', $html );
		$this->assertStringContainsString(
			'<a class="button spamgate-restore-anyway" href="http://blog.example/wp-admin/admin-post.php?action=spamgate_review&amp;decision=ham&amp;id=' . self::ID . '&amp;override=1&amp;_wpnonce=nonce-spamgate_review_override_' . self::ID . '">Restore ' . self::ID . ' anyway</a>',
			$html
		);

		// A success or another failure offers no override.
		spamgate_review_remember( array( self::rescue( array() ) ) );
		$this->assertStringNotContainsString( 'spamgate-restore-anyway', spamgate_review_notices_html() );

		// override=1 with the ordinary "Not spam" nonce: refused before anything is asked or inserted.
		spamgate_test_reset( array( array( 200, json_encode( self::item() ) ), self::decided() ) );
		$GLOBALS['spamgate_test']['can']       = true;
		$GLOBALS['spamgate_test']['posts'][42] = (object) array(
			'ID'             => 42,
			'comment_status' => 'closed',
		);
		$_GET                                  = array(
			'action'   => 'spamgate_review',
			'decision' => 'ham',
			'id'       => self::ID,
			'override' => '1',
			'_wpnonce' => 'nonce-spamgate_review_' . self::ID,
		);
		$_REQUEST                              = $_GET;
		$this->assertSame( 403, $this->run_exit( 'spamgate_review_admin_post' )->status );
		$this->assertCount( 0, $GLOBALS['spamgate_test']['requests'] );

		// The override nonce without override=1 is no ordinary "Not spam" either.
		$_GET['override']     = '0';
		$_REQUEST['override'] = '0';
		$_REQUEST['_wpnonce'] = 'nonce-spamgate_review_override_' . self::ID;
		$this->assertSame( 403, $this->run_exit( 'spamgate_review_admin_post' )->status );

		// With its own nonce the comment goes in despite closed comments.
		$_GET['override'] = '1';
		$this->assertSame( 'redirect', $this->run_exit( 'spamgate_review_admin_post' )->getMessage() );
		$this->assertSame( '田中 花子', $GLOBALS['spamgate_test']['inserted'][100]['comment_author'] );
		$this->assertStringContainsString( '1 comment rescued', spamgate_review_notices_html() );
	}

	private function run_exit( callable $fn ) {
		try {
			$fn();
		} catch ( Spamgate_Test_Exit $exit ) {
			return $exit;
		}
		$this->fail( 'the handler did not end the request' );
	}
}
