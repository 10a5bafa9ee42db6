<?php
/**
 * Tests of the plugin's hooks against recording stubs of WordPress
 * (tests/bootstrap.php): mail short-circuits to spamgate and never falls
 * back, verdicts become approval values, held comments send no moderation mail.
 *
 * @package spamgate
 */

use PHPUnit\Framework\TestCase;

/** Tests of spamgate_pre_wp_mail, spamgate_pre_comment_approved and friends. */
final class HooksTest extends TestCase {

	protected function setUp(): void {
		spamgate_test_reset();
		unset( $_SERVER['SPAMGATE_VERDICT'], $_SERVER['SPAMGATE_ID'], $_SERVER['SPAMGATE_SCORE'], $_SERVER['SPAMGATE_RULES'], $_SERVER['SPAMGATE_LEARNED'] );
		$_SERVER['REQUEST_URI'] = '/wp-comments-post.php';
	}

	private function mail( $to = 'admin@example.org' ) {
		return spamgate_pre_wp_mail(
			null,
			array(
				'to'          => $to,
				'subject'     => 'Password reset',
				'message'     => 'Click here',
				'headers'     => '',
				'attachments' => array(),
			)
		);
	}

	public function test_mail_is_posted_to_notify_with_the_bearer_secret_and_succeeds_on_202() {
		spamgate_test_reset( array( array( 202, '{"queued":true}' ) ) );
		$this->assertTrue( $this->mail() );
		$requests = $GLOBALS['spamgate_test']['requests'];
		$this->assertCount( 1, $requests );
		$this->assertSame( 'http://127.0.0.1:8080/spamgate/notify', $requests[0][0] );
		$this->assertSame( 'POST', $requests[0][1]['method'] );
		$this->assertSame( 'Bearer test-secret', $requests[0][1]['headers']['Authorization'] );
		$this->assertSame( 'application/json', $requests[0][1]['headers']['Content-Type'] );
		$this->assertSame(
			array(
				'subject'   => 'Password reset',
				'text'      => 'Click here',
				'recipient' => 'admin@example.org',
			),
			json_decode( $requests[0][1]['body'], true )
		);
		$this->assertFalse( get_option( 'spamgate_problem_mail' ) );
	}

	public function test_unreachable_spamgate_fails_the_mail_records_it_and_never_retries() {
		$this->assertFalse( $this->mail() );
		$this->assertCount( 1, $GLOBALS['spamgate_test']['requests'] );
		$problem = get_option( 'spamgate_problem_mail' );
		$this->assertStringContainsString( 'spamgate unreachable', $problem['message'] );
		$this->assertStringNotContainsString( 'test-secret', $problem['message'] );
		$this->assertSame( 'wp_mail_failed', $GLOBALS['spamgate_test']['actions'][0][0] );
	}

	public function test_a_refused_recipient_fails_the_mail() {
		spamgate_test_reset( array( array( 202, '' ), array( 403, 'recipient not allowed' ) ) );
		$this->assertFalse( $this->mail( 'admin@example.org, stranger@example.net' ) );
		$this->assertStringContainsString( 'stranger@example.net (HTTP 403)', get_option( 'spamgate_problem_mail' )['message'] );
	}

	public function test_a_success_clears_an_earlier_mail_problem() {
		$this->assertFalse( $this->mail() );
		spamgate_test_reset( array( array( 202, '' ) ) );
		update_option( 'spamgate_problem_mail', array( 'time' => 1, 'message' => 'old', 'count' => 1 ) );
		$this->assertTrue( $this->mail() );
		$this->assertFalse( get_option( 'spamgate_problem_mail' ) );
	}

	public function test_another_filters_answer_stands() {
		$this->assertTrue( spamgate_pre_wp_mail( true, array( 'to' => 'a@example.org' ) ) );
		$this->assertCount( 0, $GLOBALS['spamgate_test']['requests'] );
	}

	public function test_held_comment_is_spam_with_meta_and_no_moderation_mail() {
		$_SERVER['SPAMGATE_VERDICT'] = 'hold';
		$_SERVER['SPAMGATE_ID']      = 'abc123';
		$_SERVER['SPAMGATE_SCORE']   = '6.5';
		$this->assertSame( 'spam', spamgate_pre_comment_approved( 1 ) );
		spamgate_comment_post( 42 );
		$this->assertSame( 'hold', get_comment_meta( 42, '_spamgate_outcome', true ) );
		$this->assertSame( 'abc123', get_comment_meta( 42, '_spamgate_id', true ) );
		$this->assertSame( '6.5', get_comment_meta( 42, '_spamgate_score', true ) );
		$this->assertFalse( spamgate_notify_moderator( true, 42 ) );
		$this->assertFalse( get_option( 'spamgate_problem_bypass' ) );
	}

	public function test_the_learned_explanation_is_kept_verbatim_and_cut_at_a_character_boundary() {
		$_SERVER['SPAMGATE_VERDICT'] = 'hold';
		$_SERVER['SPAMGATE_LEARNED'] = '4.1 p=0.97: "my channel", "subscribe", host bit.ly, "C:\\temp"';
		spamgate_pre_comment_approved( 1 );
		spamgate_comment_post( 43 );
		$this->assertSame( '4.1 p=0.97: "my channel", "subscribe", host bit.ly, "C:\\temp"', get_comment_meta( 43, '_spamgate_learned', true ) );

		$_SERVER['SPAMGATE_LEARNED'] = str_repeat( 'x', 499 ) . "\xc3\xa9 and more";
		spamgate_comment_post( 44 );
		$this->assertSame( str_repeat( 'x', 499 ), get_comment_meta( 44, '_spamgate_learned', true ) );
	}

	public function test_no_learned_meta_when_the_learner_did_not_contribute() {
		$_SERVER['SPAMGATE_VERDICT'] = 'pass';
		spamgate_pre_comment_approved( 1 );
		spamgate_comment_post( 45 );
		$this->assertSame( '', get_comment_meta( 45, '_spamgate_learned', true ) );
		$this->assertArrayNotHasKey( '_spamgate_learned', $GLOBALS['spamgate_test']['meta'][45] );
	}

	public function test_comment_without_verdict_is_held_and_flagged_as_bypass() {
		$_SERVER['REQUEST_URI'] = '/wp-comments-post.php?x=1';
		$this->assertSame( 'spam', spamgate_pre_comment_approved( 1 ) );
		spamgate_comment_post( 7 );
		$this->assertFalse( spamgate_notify_moderator( true, 7 ) );
		$problem = get_option( 'spamgate_problem_bypass' );
		$this->assertStringContainsString( '(/wp-comments-post.php)', $problem['message'] );
		$this->assertSame( 1, $problem['count'] );
	}

	public function test_passed_comment_keeps_wordpress_decision_and_moderation_mail() {
		$_SERVER['SPAMGATE_VERDICT'] = 'pass';
		$this->assertSame( 0, spamgate_pre_comment_approved( 0 ) );
		spamgate_comment_post( 8 );
		$this->assertTrue( spamgate_notify_moderator( true, 8 ) );
	}

	public function test_feedback_posts_the_decision_with_the_submission_id() {
		spamgate_test_reset( array( array( 204, '' ) ) );
		add_comment_meta( 9, '_spamgate_id', 'sub-9' );
		$comment = (object) array(
			'comment_ID'           => '9',
			'comment_author'       => 'Bob',
			'comment_author_email' => 'bob@example.com',
			'comment_author_url'   => '',
			'comment_author_IP'    => '192.0.2.7',
			'comment_content'      => 'cheap pills',
		);
		spamgate_transition_comment_status( 'spam', 'unapproved', $comment );
		spamgate_transition_comment_status( 'trash', 'spam', $comment );
		$requests = $GLOBALS['spamgate_test']['requests'];
		$this->assertCount( 1, $requests );
		$this->assertSame( 'http://127.0.0.1:8080/spamgate/feedback', $requests[0][0] );
		$body = json_decode( $requests[0][1]['body'], true );
		$this->assertSame( 'spam', $body['decision'] );
		$this->assertSame( 9, $body['comment_id'] );
		$this->assertSame( 'sub-9', $body['submission_id'] );
		$this->assertSame( '192.0.2.7', $body['ip'] );
	}
}
