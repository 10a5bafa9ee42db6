<?php
/**
 * Tests of reviewing what spamgate blocked (includes/review-api.php): the
 * API calls and their answers, the item -> comment mapping, the rescue that
 * never makes two comments, and the notices after decisions.
 *
 * @package spamgate
 */

use PHPUnit\Framework\TestCase;

/** Tests of spamgate_review_decide and friends. */
final class ReviewApiTest extends TestCase {

	const ID = '0123456789abcdef';

	// 2025-12-01 12:00:00 UTC.
	const CREATED = 1764590400;

	protected function setUp(): void {
		spamgate_test_reset();
		$GLOBALS['spamgate_test']['posts'][42] = (object) array(
			'ID'          => 42,
			'post_status' => 'publish',
			'post_title'  => 'Hello world!',
		);
	}

	private static function item( array $changes = array() ) {
		return array_merge(
			array(
				'id'         => self::ID,
				'created_at' => self::CREATED,
				'endpoint'   => '/wp-comments-post.php',
				'kind'       => 'comment',
				'ip'         => '192.0.2.7',
				'user_agent' => 'Mozilla/5.0 (X11)',
				'action'     => 'reject',
				'score'      => 7.5,
				'rules'      => 'PHARMA,LEARNED',
				'hits'       => array(
					array(
						'rule'        => 'PHARMA',
						'score'       => 4,
						'detail'      => 'viagra',
						'description' => 'Pharmacy spam words',
					),
					array(
						'rule'        => 'LEARNED',
						'score'       => 3.5,
						'detail'      => 'p=0.93; +link:example.biz +word:casino',
						'description' => '',
					),
				),
				'author'     => "Ann O'Neil",
				'email'      => 'ann@example.org',
				'url'        => 'https://ann.example.org/',
				'subject'    => '',
				'body'       => "I really liked this.\nThanks \\o/",
				'post_id'    => 42,
				'parent'     => null,
				'decision'   => null,
				'decided_at' => null,
			),
			$changes
		);
	}

	private static function ok( array $item ) {
		return array( 200, json_encode( $item ) );
	}

	private static function decided( $decision, $mailed = false, array $item = array() ) {
		$item = $item ? $item : self::item();
		return array(
			200,
			json_encode(
				array(
					'id'       => $item['id'],
					'decision' => $decision,
					'previous' => null,
					'mailed'   => $mailed,
					'item'     => array_merge(
						$item,
						array(
							'decision'   => $decision,
							'decided_at' => self::CREATED + 60,
						)
					),
				)
			),
		);
	}

	private static function request( $n ) {
		$request = $GLOBALS['spamgate_test']['requests'][ $n ];
		return array(
			'url'    => $request[0],
			'method' => $request[1]['method'],
			'body'   => isset( $request[1]['body'] ) ? json_decode( $request[1]['body'], true ) : null,
		);
	}

	public function test_an_item_maps_to_the_comment_fields_with_gmt_and_site_time() {
		$GLOBALS['spamgate_test']['timezone'] = 'Europe/Berlin';
		$item                                 = Spamgate_Api_Answers::submission( self::item() );
		$this->assertSame(
			array(
				'comment_post_ID'      => 42,
				'comment_parent'       => 0,
				'comment_author'       => "Ann O'Neil",
				'comment_author_email' => 'ann@example.org',
				'comment_author_url'   => 'https://ann.example.org/',
				'comment_content'      => "I really liked this.\nThanks \\o/",
				'comment_author_IP'    => '192.0.2.7',
				'comment_agent'        => 'Mozilla/5.0 (X11)',
				'comment_date_gmt'     => '2025-12-01 12:00:00',
				'comment_date'         => '2025-12-01 13:00:00',
				'comment_approved'     => '0',
				'comment_type'         => 'comment',
				'user_id'              => 0,
				'comment_meta'         => array(
					'_spamgate_id'      => self::ID,
					'_spamgate_outcome' => 'rescued',
				),
			),
			spamgate_review_comment_fields( $item, '0' )
		);
		$this->assertSame( '1', spamgate_review_comment_fields( $item, '1' )['comment_approved'] );
		$this->assertSame( 9, spamgate_review_comment_fields( array_merge( $item, array( 'parent' => 9 ) ), '0' )['comment_parent'] );

		$GLOBALS['spamgate_test']['timezone'] = 'America/New_York';
		$this->assertSame( '2025-12-01 07:00:00', spamgate_review_comment_fields( $item, '0' )['comment_date'] );
	}

	public function test_not_spam_restores_the_comment_then_posts_ham_with_its_id() {
		spamgate_test_reset( array( self::ok( self::item() ), self::decided( 'ham' ) ) );
		$GLOBALS['spamgate_test']['posts'][42] = (object) array(
			'ID'          => 42,
			'post_status' => 'publish',
			'post_title'  => 'Hello world!',
		);
		$GLOBALS['spamgate_test']['timezone']  = 'Europe/Berlin';

		$result = spamgate_review_decide( self::ID, 'ham' );

		$this->assertSame( '', $result['error'] );
		$this->assertSame( 100, $result['comment_id'] );
		$this->assertTrue( $result['created'] );
		$this->assertSame( 'comment', $result['kind'] );
		$this->assertSame( array( 'url' => 'http://127.0.0.1:8080/spamgate/submissions/' . self::ID, 'method' => 'GET', 'body' => null ), self::request( 0 ) );
		$this->assertSame(
			array(
				'url'    => 'http://127.0.0.1:8080/spamgate/submissions/' . self::ID . '/decision',
				'method' => 'POST',
				'body'   => array(
					'decision'   => 'ham',
					'comment_id' => 100,
				),
			),
			self::request( 1 )
		);
		$stored = $GLOBALS['spamgate_test']['inserted'][100];
		$this->assertSame( "Ann O'Neil", $stored['comment_author'] );
		$this->assertSame( "I really liked this.\nThanks \\o/", $stored['comment_content'] ); // Slashed for wp_insert_comment(), which unslashes.
		$this->assertSame( '2025-12-01 13:00:00', $stored['comment_date'] );
		$this->assertSame( '2025-12-01 12:00:00', $stored['comment_date_gmt'] );
		$this->assertSame( '0', $stored['comment_approved'] );
		$this->assertTrue( $stored['filtered'] );
		$this->assertSame( self::ID, get_comment_meta( 100, '_spamgate_id', true ) );
		$this->assertSame( 'rescued', get_comment_meta( 100, '_spamgate_outcome', true ) );
		$this->assertSame(
			array( "SELECT GET_LOCK('spamgate_rescue_" . self::ID . "', 15)", "SELECT RELEASE_LOCK('spamgate_rescue_" . self::ID . "')" ),
			$GLOBALS['spamgate_test']['db']
		);
	}

	public function test_a_repeated_rescue_reuses_the_comment() {
		spamgate_test_reset( array( self::ok( self::item() ), self::decided( 'ham' ), self::ok( self::item() ), self::decided( 'ham' ) ) );
		$GLOBALS['spamgate_test']['posts'][42] = (object) array(
			'ID'          => 42,
			'post_status' => 'publish',
			'post_title'  => 'Hello world!',
		);
		$first                                 = spamgate_review_decide( self::ID, 'ham' );
		$second                                = spamgate_review_decide( self::ID, 'ham' );
		$this->assertCount( 1, $GLOBALS['spamgate_test']['inserted'] );
		$this->assertSame( $first['comment_id'], $second['comment_id'] );
		$this->assertFalse( $second['created'] );
		$this->assertSame( '', $second['error'] );
		$this->assertSame( $first['comment_id'], self::request( 3 )['body']['comment_id'] );
		$this->assertSame( 'any', $GLOBALS['spamgate_test']['queries'][1]['status'] );
	}

	public function test_the_approved_setting_the_parent_and_the_text_filter() {
		update_option( 'spamgate_rescue_status', 'approved' );
		$GLOBALS['spamgate_test']['comments'][] = (object) array(
			'comment_ID'       => '7',
			'comment_post_ID'  => '42',
			'comment_approved' => '1',
			'comment_type'     => 'comment',
		);
		$GLOBALS['spamgate_test']['comments'][] = (object) array(
			'comment_ID'       => '8',
			'comment_post_ID'  => '43',
			'comment_approved' => '1',
			'comment_type'     => 'comment',
		);
		$item = Spamgate_Api_Answers::submission( self::item( array( 'parent' => 7, 'body' => 'Nice <script>alert(1)</script><b>post</b>' ) ) );
		$out  = spamgate_review_restore_comment( $item );
		$this->assertSame( '', $out['error'] );
		$stored = $GLOBALS['spamgate_test']['inserted'][ $out['comment_id'] ];
		$this->assertSame( '1', $stored['comment_approved'] );
		$this->assertSame( 7, $stored['comment_parent'] );
		$this->assertSame( 'Nice alert(1)<b>post</b>', $stored['comment_content'] );

		// A parent on another post, or gone: the rescued comment is top-level.
		$other = spamgate_review_restore_comment( array_merge( $item, array( 'id' => 'fedcba9876543210', 'parent' => 8 ) ) );
		$this->assertSame( 0, $GLOBALS['spamgate_test']['inserted'][ $other['comment_id'] ]['comment_parent'] );
		$gone = spamgate_review_restore_comment( array_merge( $item, array( 'id' => 'fedcba9876543211', 'parent' => 99 ) ) );
		$this->assertSame( 0, $GLOBALS['spamgate_test']['inserted'][ $gone['comment_id'] ]['comment_parent'] );
	}

	public function test_a_deleted_or_trashed_post_is_reported_and_nothing_is_inserted_or_decided() {
		spamgate_test_reset( array( self::ok( self::item( array( 'post_id' => 77 ) ) ) ) );
		$result = spamgate_review_decide( self::ID, 'ham' );
		$this->assertStringContainsString( 'The post this comment was written for (ID 77) no longer exists', $result['error'] );
		$this->assertCount( 1, $GLOBALS['spamgate_test']['requests'] );
		$this->assertCount( 0, $GLOBALS['spamgate_test']['inserted'] );

		spamgate_test_reset( array( self::ok( self::item() ) ) );
		$GLOBALS['spamgate_test']['posts'][42] = (object) array(
			'ID'          => 42,
			'post_status' => 'trash',
			'post_title'  => 'Old',
		);
		$this->assertStringContainsString( 'is in the trash', spamgate_review_decide( self::ID, 'ham' )['error'] );
		$this->assertCount( 0, $GLOBALS['spamgate_test']['inserted'] );
	}

	public function test_a_contact_message_is_only_decided_spamgate_mails_it() {
		$contact = self::item(
			array(
				'kind'     => 'contact',
				'endpoint' => '/contact',
				'subject'  => 'Quote request',
				'post_id'  => null,
			)
		);
		spamgate_test_reset( array( self::ok( $contact ), self::decided( 'ham', true, $contact ) ) );
		$result = spamgate_review_decide( self::ID, 'ham' );
		$this->assertSame( '', $result['error'] );
		$this->assertSame( 'contact', $result['kind'] );
		$this->assertTrue( $result['mailed'] );
		$this->assertSame( array( 'decision' => 'ham' ), self::request( 1 )['body'] );
		$this->assertCount( 0, $GLOBALS['spamgate_test']['inserted'] );
	}

	public function test_confirm_spam_posts_the_decision_only() {
		spamgate_test_reset( array( self::decided( 'spam' ) ) );
		$result = spamgate_review_decide( self::ID, 'spam' );
		$this->assertSame( '', $result['error'] );
		$this->assertSame( 'comment', $result['kind'] );
		$this->assertCount( 1, $GLOBALS['spamgate_test']['requests'] );
		$this->assertSame( array( 'decision' => 'spam' ), self::request( 0 )['body'] );
	}

	public function test_spamgate_down_is_an_error_for_every_call() {
		$this->assertStringContainsString( 'spamgate unreachable at http://127.0.0.1:8080/', spamgate_review_decide( self::ID, 'ham' )['error'] );
		$this->assertStringContainsString( 'spamgate unreachable at', spamgate_review_decide( self::ID, 'spam' )['error'] );
		$list = Spamgate_Api::submissions( array() );
		$this->assertNull( $list['data'] );
		$this->assertStringContainsString( 'spamgate unreachable at', $list['error'] );
		$this->assertCount( 0, $GLOBALS['spamgate_test']['inserted'] );
	}

	public function test_an_unknown_or_expired_id_is_a_404_with_its_reason() {
		spamgate_test_reset( array( array( 404, "submission expired\n" ), array( 404, '' ) ) );
		$this->assertSame(
			'spamgate no longer has this submission (unknown, or deleted after its retention period). submission expired',
			spamgate_review_decide( self::ID, 'ham' )['error']
		);
		$this->assertSame(
			'spamgate no longer has this submission (unknown, or deleted after its retention period).',
			spamgate_review_decide( self::ID, 'spam' )['error']
		);
		$this->assertCount( 0, $GLOBALS['spamgate_test']['inserted'] );
	}

	public function test_a_failed_decision_after_the_insert_keeps_the_comment_and_says_so() {
		spamgate_test_reset( array( self::ok( self::item() ), array( 500, 'database is locked' ) ) );
		$GLOBALS['spamgate_test']['posts'][42] = (object) array(
			'ID'          => 42,
			'post_status' => 'publish',
			'post_title'  => 'Hello world!',
		);
		$result                                = spamgate_review_decide( self::ID, 'ham' );
		$this->assertSame( 100, $result['comment_id'] );
		$this->assertStringContainsString( 'The comment is back in WordPress (ID 100), but spamgate did not record the decision: spamgate refused the request (HTTP 500): database is locked', $result['error'] );
	}

	public function test_a_held_lock_or_a_failed_insert_is_an_error() {
		$item                                = Spamgate_Api_Answers::submission( self::item() );
		$GLOBALS['spamgate_test']['db_lock'] = '0';
		$this->assertStringContainsString( 'Another request is rescuing this submission', spamgate_review_restore_comment( $item )['error'] );
		$this->assertCount( 0, $GLOBALS['spamgate_test']['inserted'] );

		$GLOBALS['spamgate_test']['db_lock']   = null; // A database without GET_LOCK.
		$GLOBALS['spamgate_test']['insert_ok'] = false;
		$this->assertSame( 'WordPress could not save the comment.', spamgate_review_restore_comment( $item )['error'] );
	}

	public function test_bad_ids_and_decisions_send_nothing() {
		$this->assertSame( 'This is not a spamgate submission id.', spamgate_review_decide( '../../x', 'ham' )['error'] );
		$this->assertSame( 'Unknown decision.', spamgate_review_decide( self::ID, 'maybe' )['error'] );
		$this->assertCount( 0, $GLOBALS['spamgate_test']['requests'] );
	}

	public function test_the_list_request_and_its_answer() {
		$this->assertSame(
			'/spamgate/submissions?rule=LINKS_3&q=cheap%20pills%26more&page=2&per_page=20&held_comments=exclude',
			Spamgate_Api::submissions_path(
				array(
					'held_comments' => 'exclude',
					'rule'          => 'LINKS_3',
					'q'             => 'cheap pills&more',
					'page'          => 2,
					'per_page'      => 20,
					'kind'          => '',
					'bogus'         => 'x',
				)
			)
		);
		$answer = array(
			'items'    => array( self::item() ),
			'total'    => 41,
			'page'     => 2,
			'per_page' => 20,
			'reasons'  => array(
				array(
					'rule'        => 'PHARMA',
					'description' => 'Pharmacy spam words',
					'count'       => 3,
				),
			),
		);
		spamgate_test_reset( array( array( 200, json_encode( $answer ) ), array( 200, '{"items":[{"id":"nope"}]}' ), array( 503, 'starting' ) ) );
		$list = Spamgate_Api::submissions( array( 'held_comments' => 'exclude' ) );
		$this->assertSame( '', $list['error'] );
		$this->assertSame( 'http://127.0.0.1:8080/spamgate/submissions?held_comments=exclude', $GLOBALS['spamgate_test']['requests'][0][0] );
		$this->assertSame( 41, $list['data']['total'] );
		$this->assertSame( self::ID, $list['data']['items'][0]['id'] );
		$this->assertSame( 'p=0.93; +link:example.biz +word:casino', $list['data']['items'][0]['hits'][1]['detail'] );
		$this->assertNull( $list['data']['items'][0]['parent'] );
		$this->assertSame( 'Pharmacy spam words', $list['data']['reasons'][0]['description'] );

		$this->assertSame( 'spamgate answered with something that is not a list of submissions.', Spamgate_Api::submissions( array() )['error'] );
		$this->assertSame( 'spamgate refused the request (HTTP 503): starting', Spamgate_Api::submissions( array() )['error'] );
	}

	public function test_the_result_notices() {
		$ok = array(
			'error'      => '',
			'kind'       => 'comment',
			'decision'   => 'ham',
			'mailed'     => false,
			'comment_id' => 5,
			'created'    => true,
		);
		$this->assertSame(
			array(
				array(
					'type'  => 'success',
					'lines' => array( '1 comment rescued; it waits in the Pending list.' ),
				),
			),
			spamgate_review_result_notices( array( $ok + array( 'id' => self::ID ) ), 'pending' )
		);
		$spam = array_merge( $ok, array( 'decision' => 'spam' ) );
		$this->assertSame(
			array( '3 submissions confirmed as spam.' ),
			spamgate_review_result_notices( array( $spam, $spam, $spam ), 'pending' )[0]['lines']
		);
		$notices = spamgate_review_result_notices(
			array(
				$ok,
				array_merge( $ok, array( 'kind' => 'contact', 'mailed' => true ) ),
				array_merge( $ok, array( 'id' => self::ID, 'error' => 'spamgate no longer has this submission.' ) ),
			),
			'approved'
		);
		$this->assertSame( array( '1 comment rescued and approved.', '1 contact message rescued; spamgate mails it to you.' ), $notices[0]['lines'] );
		$this->assertSame( 'error', $notices[1]['type'] );
		$this->assertSame( array( '1 submission could not be reviewed:', self::ID . ': spamgate no longer has this submission.' ), $notices[1]['lines'] );
		$this->assertSame( 'No submissions were selected.', spamgate_review_result_notices( array(), 'pending' )[0]['lines'][0] );

		// A second "Not spam" click (or one on another node) finds the comment in WordPress already.
		$again = array_merge( $ok, array( 'created' => false ) );
		$this->assertSame(
			array( '1 comment rescued; it waits in the Pending list.', '2 comments were rescued before; each stays in WordPress once.' ),
			spamgate_review_result_notices( array( $ok, $again, $again ), 'pending' )[0]['lines']
		);
	}
}
