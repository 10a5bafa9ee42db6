<?php
/**
 * Tests of training from the site's history (includes/training.php) against
 * the stubs' get_comments() fixtures and recorded HTTP requests.
 *
 * @package spamgate
 */

use PHPUnit\Framework\TestCase;

/** Tests of spamgate_train_batch, the phase progression, spamgate_train_all and the status line. */
final class TrainingTest extends TestCase {

	const MODEL = '{"spam":3,"ham":5,"min_per_class":40,"active":false,"updated_at":1764500000}';

	protected function setUp(): void {
		spamgate_test_reset();
	}

	private static function comment( $id, $approved, $type = 'comment' ) {
		return (object) array(
			'comment_ID'           => (string) $id,
			'comment_approved'     => $approved,
			'comment_type'         => $type,
			'comment_author'       => 'Author ' . $id,
			'comment_author_email' => 'a' . $id . '@example.com',
			'comment_author_url'   => 'https://example.com/' . $id,
			'comment_author_IP'    => '192.0.2.' . $id,
			'comment_content'      => 'Body ' . $id,
		);
	}

	// Approved: 2, 3 ('' is an old-style comment), 5, 8; spam: 4, 6; the rest are not for training.
	private static function history() {
		$GLOBALS['spamgate_test']['comments'] = array(
			self::comment( 8, '1' ),
			self::comment( 2, '1' ),
			self::comment( 3, '1', '' ),
			self::comment( 4, 'spam' ),
			self::comment( 5, '1' ),
			self::comment( 6, 'spam' ),
			self::comment( 7, '0' ),
			self::comment( 9, '1', 'pingback' ),
			self::comment( 10, 'spam', 'trackback' ),
			self::comment( 11, 'trash' ),
		);
	}

	private static function answer( $stored, $replaced = 0, $model = self::MODEL ) {
		return array( 200, '{"stored":' . $stored . ',"replaced":' . $replaced . ',"model":' . $model . '}' );
	}

	private static function requests() {
		return $GLOBALS['spamgate_test']['requests'];
	}

	private static function items( $request ) {
		$body = json_decode( $request[1]['body'], true );
		return $body['items'];
	}

	public function test_a_ham_batch_posts_the_oldest_approved_comments_with_the_full_item_shape() {
		spamgate_test_reset( array( self::answer( 2, 1 ) ) );
		self::history();
		$batch = spamgate_train_batch( 'ham', 0, 2 );

		$this->assertSame(
			array(
				'status'                    => 'approve',
				'type'                      => 'comment',
				'orderby'                   => 'comment_ID',
				'order'                     => 'ASC',
				'number'                    => 2,
				'offset'                    => 0,
				'update_comment_meta_cache' => false,
			),
			$GLOBALS['spamgate_test']['queries'][0]
		);
		$requests = self::requests();
		$this->assertCount( 1, $requests );
		$this->assertSame( 'http://127.0.0.1:8080/spamgate/train', $requests[0][0] );
		$this->assertSame( 'POST', $requests[0][1]['method'] );
		$this->assertSame( 'Bearer test-secret', $requests[0][1]['headers']['Authorization'] );
		$this->assertSame( 'application/json', $requests[0][1]['headers']['Content-Type'] );
		$this->assertSame(
			array(
				'items' => array(
					array(
						'decision'   => 'ham',
						'comment_id' => 2,
						'author'     => 'Author 2',
						'email'      => 'a2@example.com',
						'url'        => 'https://example.com/2',
						'ip'         => '192.0.2.2',
						'body'       => 'Body 2',
						'kind'       => 'comment',
					),
					array(
						'decision'   => 'ham',
						'comment_id' => 3,
						'author'     => 'Author 3',
						'email'      => 'a3@example.com',
						'url'        => 'https://example.com/3',
						'ip'         => '192.0.2.3',
						'body'       => 'Body 3',
						'kind'       => 'comment',
					),
				),
			),
			json_decode( $requests[0][1]['body'], true )
		);
		$this->assertSame(
			array(
				'status'      => 'ham',
				'sent'        => 2,
				'stored'      => 2,
				'replaced'    => 1,
				'next_offset' => 2,
				'done'        => false,
				'model'       => array(
					'spam'          => 3,
					'ham'           => 5,
					'min_per_class' => 40,
					'active'        => false,
					'updated_at'    => 1764500000,
				),
				'error'       => '',
			),
			$batch
		);
	}

	public function test_a_short_batch_finishes_the_phase_and_spam_comes_from_the_spam_folder_only() {
		spamgate_test_reset( array( self::answer( 2 ), self::answer( 2 ) ) );
		self::history();
		$ham = spamgate_train_batch( 'ham', 2, 200 );
		$this->assertSame( 2, $ham['sent'] );
		$this->assertSame( 4, $ham['next_offset'] );
		$this->assertTrue( $ham['done'] );
		$this->assertSame( array( 5, 8 ), array_column( self::items( self::requests()[0] ), 'comment_id' ) );

		$spam = spamgate_train_batch( 'spam', 0, 200 );
		$this->assertSame( 'spam', $GLOBALS['spamgate_test']['queries'][1]['status'] );
		$items = self::items( self::requests()[1] );
		$this->assertSame( array( 4, 6 ), array_column( $items, 'comment_id' ) );
		$this->assertSame( array( 'spam', 'spam' ), array_column( $items, 'decision' ) );
		$this->assertTrue( $spam['done'] );
	}

	public function test_a_phase_with_nothing_left_is_done_without_a_request() {
		self::history();
		$batch = spamgate_train_batch( 'spam', 2, 200 );
		$this->assertSame( 0, $batch['sent'] );
		$this->assertSame( 2, $batch['next_offset'] );
		$this->assertTrue( $batch['done'] );
		$this->assertSame( '', $batch['error'] );
		$this->assertCount( 0, self::requests() );
	}

	public function test_the_batch_size_is_clamped_to_what_spamgate_accepts() {
		spamgate_train_batch( 'ham', 0, 5000 );
		spamgate_train_batch( 'ham', -3, 0 );
		$this->assertSame( 500, $GLOBALS['spamgate_test']['queries'][0]['number'] );
		$this->assertSame( 1, $GLOBALS['spamgate_test']['queries'][1]['number'] );
		$this->assertSame( 0, $GLOBALS['spamgate_test']['queries'][1]['offset'] );
		$this->assertSame( 200, spamgate_train_query_args( 'ham', 0, SPAMGATE_TRAIN_BATCH )['number'] );
	}

	public function test_an_unknown_phase_reads_and_sends_nothing() {
		$batch = spamgate_train_batch( 'approve', 0, 10 );
		$this->assertSame( 'Unknown training phase.', $batch['error'] );
		$this->assertCount( 0, $GLOBALS['spamgate_test']['queries'] );
		$this->assertCount( 0, self::requests() );
	}

	public function test_an_error_answer_gives_its_status_and_reason_and_does_not_advance() {
		spamgate_test_reset( array( array( 413, "too many items (at most 500)\nsecond line" ) ) );
		self::history();
		$batch = spamgate_train_batch( 'ham', 1, 2 );
		$this->assertSame( 'spamgate refused the request (HTTP 413): too many items (at most 500)', $batch['error'] );
		$this->assertSame( 0, $batch['sent'] );
		$this->assertSame( 1, $batch['next_offset'] );
		$this->assertFalse( $batch['done'] );
		$this->assertNull( $batch['model'] );
		$this->assertSame(
			array(
				'phase'  => 'ham',
				'offset' => 1,
			),
			spamgate_train_next( 'ham', $batch )
		);
	}

	public function test_an_unreachable_spamgate_or_an_unreadable_answer_is_an_error() {
		self::history();
		$this->assertStringContainsString( 'spamgate unreachable at', spamgate_train_batch( 'ham', 0, 2 )['error'] );

		spamgate_test_reset( array( array( 200, 'OK' ), array( 401, '' ) ) );
		self::history();
		$this->assertSame( 'spamgate accepted the batch but its answer was not understood.', spamgate_train_batch( 'ham', 0, 2 )['error'] );
		$this->assertSame( 'spamgate refused the request (HTTP 401).', spamgate_train_batch( 'ham', 0, 2 )['error'] );
	}

	public function test_a_long_reason_is_cut() {
		$reason = Spamgate_Api::refusal_reason( 400, str_repeat( 'x', 400 ) );
		$this->assertSame( 'spamgate refused the request (HTTP 400): ' . str_repeat( 'x', 300 ) . '...', $reason );
	}

	public function test_phases_go_ham_then_spam_then_end() {
		$batch = array(
			'error'       => '',
			'done'        => false,
			'next_offset' => 400,
		);
		$this->assertSame(
			array(
				'phase'  => 'ham',
				'offset' => 400,
			),
			spamgate_train_next( 'ham', $batch )
		);
		$batch['done'] = true;
		$this->assertSame(
			array(
				'phase'  => 'spam',
				'offset' => 0,
			),
			spamgate_train_next( 'ham', $batch )
		);
		$this->assertNull( spamgate_train_next( 'spam', $batch ) );
		$batch['done'] = false;
		$this->assertSame(
			array(
				'phase'  => 'spam',
				'offset' => 400,
			),
			spamgate_train_next( 'spam', $batch )
		);
	}

	public function test_the_last_step_asks_for_the_model_when_its_batch_brought_none() {
		spamgate_test_reset( array( array( 200, self::MODEL ) ) );
		$step = spamgate_train_step( 'spam', 0, 10 );
		$this->assertNull( $step['next'] );
		$this->assertSame( 40, $step['model']['min_per_class'] );
		$this->assertSame( 'http://127.0.0.1:8080/spamgate/model', self::requests()[0][0] );
		$this->assertSame( 'GET', self::requests()[0][1]['method'] );
		$this->assertArrayNotHasKey( 'body', self::requests()[0][1] );
	}

	public function test_train_all_sends_every_batch_of_ham_then_of_spam() {
		$active = '{"spam":2,"ham":4,"min_per_class":2,"active":true,"updated_at":1}';
		spamgate_test_reset( array( self::answer( 2 ), self::answer( 2 ), self::answer( 2, 0, $active ), array( 200, $active ) ) );
		self::history();
		$seen   = array();
		$result = spamgate_train_all(
			2,
			function ( $step ) use ( &$seen ) {
				$seen[] = array( $step['status'], $step['sent'] );
			}
		);
		$this->assertSame( array( array( 'ham', 2 ), array( 'ham', 2 ), array( 'ham', 0 ), array( 'spam', 2 ), array( 'spam', 0 ) ), $seen );
		$this->assertSame( 4, $result['ham'] );
		$this->assertSame( 2, $result['spam'] );
		$this->assertSame( '', $result['error'] );
		$this->assertTrue( $result['model']['active'] );
		$paths = array_map(
			function ( $request ) {
				return $request[1]['method'] . ' ' . substr( $request[0], strlen( 'http://127.0.0.1:8080' ) );
			},
			self::requests()
		);
		$this->assertSame( array( 'POST /spamgate/train', 'POST /spamgate/train', 'POST /spamgate/train', 'GET /spamgate/model' ), $paths );
		$this->assertSame( 'Trained spamgate with 4 ham and 2 spam comments.', spamgate_train_result_line( $result ) );
	}

	public function test_train_all_stops_at_the_first_error() {
		spamgate_test_reset( array( self::answer( 2 ), array( 503, 'store busy' ) ) );
		self::history();
		$result = spamgate_train_all( 2 );
		$this->assertSame( 2, $result['ham'] );
		$this->assertSame( 0, $result['spam'] );
		$this->assertSame( 'spamgate refused the request (HTTP 503): store busy', $result['error'] );
		$this->assertCount( 2, self::requests() );
		$this->assertSame(
			'Training stopped after 2 ham and 0 spam comments: spamgate refused the request (HTTP 503): store busy',
			spamgate_train_result_line( $result )
		);
	}

	public function test_totals_count_real_comments_per_phase() {
		self::history();
		$this->assertSame( 4, spamgate_train_total( 'ham' ) );
		$this->assertSame( 2, spamgate_train_total( 'spam' ) );
		$this->assertTrue( $GLOBALS['spamgate_test']['queries'][0]['count'] );
		$this->assertArrayNotHasKey( 'number', $GLOBALS['spamgate_test']['queries'][0] );
	}

	public function test_model_status_line() {
		$model = Spamgate_Api_Answers::model( json_decode( self::MODEL, true ) );
		$this->assertSame( 'Learned from 3 spam and 5 ham; the learner acts once it has 40 of each.', spamgate_model_status_line( $model ) );
		$model['active'] = true;
		$this->assertSame( 'Learned from 3 spam and 5 ham; the learner is active.', spamgate_model_status_line( $model ) );
		$this->assertSame( 'The learner\'s status is not available right now.', spamgate_model_status_line( null ) );
	}

	public function test_model_parsing_needs_the_counts() {
		$this->assertNull( Spamgate_Api_Answers::model( null ) );
		$this->assertNull( Spamgate_Api_Answers::model( array( 'spam' => 1 ) ) );
		$this->assertNull( Spamgate_Api_Answers::model( array( 'spam' => 'x', 'ham' => 1, 'min_per_class' => 1 ) ) );
		$this->assertSame(
			array(
				'spam'          => 1,
				'ham'           => 2,
				'min_per_class' => 3,
				'active'        => false,
				'updated_at'    => 0,
			),
			Spamgate_Api_Answers::model( array( 'spam' => 1, 'ham' => 2, 'min_per_class' => 3 ) )
		);
	}

	public function test_model_status_reports_why_it_is_missing() {
		spamgate_test_reset( array( array( 200, self::MODEL ), array( 404, 'not found' ), array( 200, '[]' ) ) );
		$this->assertSame( 5, spamgate_model_status()['model']['ham'] );
		$this->assertSame( 'spamgate refused the request (HTTP 404): not found', spamgate_model_status()['error'] );
		$this->assertNull( spamgate_model_status()['model'] );
		$this->assertStringContainsString( 'spamgate unreachable', spamgate_model_status()['error'] );
	}

	public function test_cut_bytes_never_splits_a_character() {
		$this->assertSame( 'abc', spamgate_cut_bytes( 'abc', 5 ) );
		$this->assertSame( 'ab', spamgate_cut_bytes( 'abc', 2 ) );
		$this->assertSame( 'a', spamgate_cut_bytes( "a\xc3\xa9", 2 ) );
		$this->assertSame( "a\xc3\xa9", spamgate_cut_bytes( "a\xc3\xa9b", 3 ) );
		$this->assertSame( 'x', spamgate_cut_bytes( "x\xf0\x9f\x98\x80", 4 ) );
	}
}
