<?php
/**
 * Tests of the privacy exporter and eraser (includes/privacy.php): the
 * shapes WordPress expects, the paging contract, and spamgate's errors.
 *
 * @package spamgate
 */

use PHPUnit\Framework\TestCase;

/** Tests of spamgate_privacy_export, spamgate_privacy_erase and the policy text. */
final class PrivacyTest extends TestCase {

	const ID = '0123456789abcdef';

	protected function setUp(): void {
		spamgate_test_reset();
	}

	private static function personal_data() {
		return json_encode(
			array(
				'submissions' => array(
					array(
						'id'         => self::ID,
						'created_at' => 1764590400,
						'endpoint'   => '/contact',
						'kind'       => 'contact',
						'ip'         => '192.0.2.7',
						'user_agent' => 'Mozilla/5.0',
						'action'     => 'hold',
						'score'      => 5,
						'rules'      => 'LINKS_3',
						'hits'       => array(
							array(
								'rule'        => 'LINKS_3',
								'score'       => 5,
								'detail'      => '',
								'description' => 'Three or more links',
							),
						),
						'author'     => 'Ann',
						'email'      => 'ann@example.org',
						'url'        => '',
						'subject'    => 'Hello',
						'body'       => 'See <a href="x">this</a>',
						'post_id'    => null,
						'parent'     => null,
						'decision'   => 'ham',
						'decided_at' => 1764590500,
					),
				),
				'decisions'   => array(
					array(
						'id'            => 7,
						'created_at'    => 1764590500,
						'submission_id' => self::ID,
						'comment_id'    => 0,
						'decision'      => 'ham',
						'author'        => 'Ann',
						'email'         => 'ann@example.org',
						'url'           => '',
						'ip'            => '192.0.2.7',
						'body'          => 'See this',
						'kind'          => 'contact',
						'subject'       => 'Hello',
						'source'        => 'review',
					),
				),
			)
		);
	}

	private static function values( array $item ) {
		return array_column( $item['data'], 'value', 'name' );
	}

	public function test_the_exporter_and_eraser_are_registered() {
		$this->assertSame( 'spamgate_privacy_export', spamgate_privacy_register_exporter( array() )['spamgate']['callback'] );
		$this->assertSame( 'spamgate', spamgate_privacy_register_exporter( array() )['spamgate']['exporter_friendly_name'] );
		$this->assertSame( 'spamgate_privacy_erase', spamgate_privacy_register_eraser( array( 'x' => 1 ) )['spamgate']['callback'] );
		$this->assertSame( 'spamgate', spamgate_privacy_register_eraser( array() )['spamgate']['eraser_friendly_name'] );
	}

	public function test_the_export_has_both_groups_with_readable_fields_and_is_done_on_page_one() {
		spamgate_test_reset( array( array( 200, self::personal_data() ) ) );
		$export = spamgate_privacy_export( ' ann+x@example.org ', 1 );
		$this->assertSame( 'http://127.0.0.1:8080/spamgate/personal-data?email=ann%2Bx%40example.org', $GLOBALS['spamgate_test']['requests'][0][0] );
		$this->assertSame( 'GET', $GLOBALS['spamgate_test']['requests'][0][1]['method'] );
		$this->assertTrue( $export['done'] );
		$this->assertCount( 2, $export['data'] );

		$submission = $export['data'][0];
		$this->assertSame( 'spamgate-submissions', $submission['group_id'] );
		$this->assertSame( 'spamgate: stored submissions', $submission['group_label'] );
		$this->assertSame( 'spamgate-submission-' . self::ID, $submission['item_id'] );
		$this->assertSame(
			array(
				'Submitted'              => '2025-12-01 12:00:00',
				'Kind'                   => 'Contact form message',
				'Form'                   => '/contact',
				'What spamgate did'      => 'Held',
				'Reasons'                => 'Three or more links',
				'Name'                   => 'Ann',
				'Email'                  => 'ann@example.org',
				'IP address'             => '192.0.2.7',
				'Browser user agent'     => 'Mozilla/5.0',
				'Subject'                => 'Hello',
				'Text'                   => 'See <a href="x">this</a>',
				'Site owner\'s decision' => 'Not spam',
				'Decided'                => '2025-12-01 12:01:40',
			),
			self::values( $submission )
		);
		foreach ( $submission['data'] as $field ) {
			$this->assertSame( array( 'name', 'value' ), array_keys( $field ) );
		}

		$decision = $export['data'][1];
		$this->assertSame( 'spamgate-decisions', $decision['group_id'] );
		$this->assertSame( 'spamgate: moderation decisions', $decision['group_label'] );
		$this->assertSame( 'spamgate-decision-7', $decision['item_id'] );
		$this->assertSame( 'Not spam', self::values( $decision )['Decision'] );
		$this->assertSame( self::ID, self::values( $decision )['Blocked submission'] );
		$this->assertArrayNotHasKey( 'Comment ID', self::values( $decision ) );
	}

	public function test_the_export_has_the_mail_that_mentions_the_address() {
		$data          = json_decode( self::personal_data(), true );
		$data['mails'] = array(
			array(
				'id'         => 12,
				'created_at' => 1764590400,
				'kind'       => 'contact',
				'status'     => 'sent',
				'subject'    => '[blog.test] Contact: お見積もり',
				'sent_at'    => 1764590401,
				'message'    => "Reply-To: ann@example.org\r\n\r\nこんにちは",
			),
		);
		spamgate_test_reset( array( array( 200, json_encode( $data ) ) ) );
		$export = spamgate_privacy_export( 'ann@example.org', 1 );
		$this->assertCount( 3, $export['data'] );
		$mail = $export['data'][2];
		$this->assertSame( 'spamgate-mail', $mail['group_id'] );
		$this->assertSame( 'spamgate-mail-12', $mail['item_id'] );
		$this->assertSame( '[blog.test] Contact: お見積もり', self::values( $mail )['Subject'] );
		$this->assertSame( 'sent', self::values( $mail )['Status'] );
		$this->assertStringContainsString( 'こんにちは', self::values( $mail )['Message'] );
	}

	public function test_later_pages_and_an_empty_address_ask_nothing() {
		$this->assertSame( array( 'data' => array(), 'done' => true ), spamgate_privacy_export( 'ann@example.org', 2 ) );
		$this->assertSame( array( 'data' => array(), 'done' => true ), spamgate_privacy_export( '', 1 ) );
		$this->assertSame(
			array(
				'items_removed'  => false,
				'items_retained' => false,
				'messages'       => array(),
				'done'           => true,
			),
			spamgate_privacy_erase( 'ann@example.org', 2 )
		);
		$this->assertCount( 0, $GLOBALS['spamgate_test']['requests'] );
	}

	public function test_nothing_found_is_an_empty_finished_export() {
		spamgate_test_reset( array( array( 200, '{"submissions":[],"decisions":[]}' ) ) );
		$this->assertSame( array( 'data' => array(), 'done' => true ), spamgate_privacy_export( 'nobody@example.org', 1 ) );
	}

	public function test_spamgate_down_or_a_bad_answer_fails_the_export_instead_of_looking_empty() {
		$error = spamgate_privacy_export( 'ann@example.org', 1 );
		$this->assertInstanceOf( WP_Error::class, $error );
		$this->assertSame( 'spamgate_export_failed', $error->get_error_code() );
		$this->assertStringContainsString( 'spamgate could not export its data: spamgate unreachable at', $error->get_error_message() );

		spamgate_test_reset( array( array( 200, '{"submissions":[{"id":"bad"}],"decisions":[]}' ) ) );
		$this->assertSame( 'spamgate could not export its data: its answer was not understood.', spamgate_privacy_export( 'ann@example.org', 1 )->get_error_message() );
	}

	public function test_the_eraser_posts_the_address_and_reports_what_was_removed() {
		spamgate_test_reset( array( array( 200, '{"submissions_erased":3,"decisions_erased":1,"mails_erased":2}' ), array( 200, '{"submissions_erased":0,"decisions_erased":0}' ) ) );
		$this->assertSame(
			array(
				'items_removed'  => true,
				'items_retained' => false,
				'messages'       => array( 'spamgate erased 3 stored submissions, 1 moderation decisions and 2 mails.' ),
				'done'           => true,
			),
			spamgate_privacy_erase( 'ann@example.org', 1 )
		);
		$request = $GLOBALS['spamgate_test']['requests'][0];
		$this->assertSame( 'http://127.0.0.1:8080/spamgate/personal-data/erase', $request[0] );
		$this->assertSame( 'POST', $request[1]['method'] );
		$this->assertSame( '{"email":"ann@example.org"}', $request[1]['body'] );

		$nothing = spamgate_privacy_erase( 'ann@example.org', 1 );
		$this->assertFalse( $nothing['items_removed'] );
		$this->assertSame( array(), $nothing['messages'] );
		$this->assertTrue( $nothing['done'] );
	}

	public function test_the_eraser_fails_when_spamgate_does_not_erase() {
		spamgate_test_reset( array( array( 403, 'bad secret' ) ) );
		$error = spamgate_privacy_erase( 'ann@example.org', 1 );
		$this->assertInstanceOf( WP_Error::class, $error );
		$this->assertSame( 'spamgate could not erase its data: spamgate refused the request (HTTP 403): bad secret', $error->get_error_message() );
	}

	public function test_the_policy_text_says_what_is_stored_and_that_nothing_goes_to_third_parties() {
		$text = spamgate_privacy_policy_text();
		$this->assertStringStartsWith( '<p class="privacy-policy-tutorial">', $text );
		foreach ( array( 'IP address', 'user agent', 'retention period', 'train a spam filter', 'None of this is sent to third parties.' ) as $needle ) {
			$this->assertStringContainsString( $needle, $text );
		}
	}
}
