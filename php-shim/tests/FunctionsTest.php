<?php
/**
 * Unit tests of the plugin's pure functions (includes/functions.php).
 *
 * @package spamgate
 */

use PHPUnit\Framework\TestCase;

/** Tests of token making, header and address parsing, verdict mapping, stats. */
final class FunctionsTest extends TestCase {

	public function test_token_is_time_dot_hmac_of_the_decimal_time() {
		$this->assertSame(
			'1700000000.' . hash_hmac( 'sha256', '1700000000', 'k' ),
			spamgate_make_token( 'k', 1700000000 )
		);
		$this->assertMatchesRegularExpression( '/^\d+\.[0-9a-f]{64}$/', spamgate_make_token( 's', time() ) );
		$this->assertNotSame( spamgate_make_token( 'a', 5 ), spamgate_make_token( 'b', 5 ) );
	}

	public function test_form_fields_hold_an_empty_unfocusable_honeypot_and_the_escaped_token() {
		$html = spamgate_form_fields_html( '12.ab"<' );
		$this->assertStringContainsString( 'name="sg_website" id="sg_website" value="" tabindex="-1" autocomplete="off"', $html );
		$this->assertStringContainsString( '<input type="hidden" name="sg_token" value="12.ab&quot;&lt;">', $html );
	}

	public function test_headers_parse_from_string_and_array_with_folding() {
		$this->assertSame(
			array( array( 'Reply-To', 'a@example.org' ), array( 'X-Long', 'one two' ) ),
			spamgate_parse_headers( "Reply-To: a@example.org\r\nX-Long: one\r\n two\r\nno colon here\r\n" )
		);
		$this->assertSame(
			array( array( 'From', 'Me <me@example.org>' ), array( 'Cc', 'c@example.org' ) ),
			spamgate_parse_headers( array( 'From: Me <me@example.org>', 'Cc: c@example.org' ) )
		);
		$this->assertSame( array(), spamgate_parse_headers( '' ) );
	}

	public function test_extract_address_accepts_one_mailbox_only() {
		$this->assertSame( 'a@example.org', spamgate_extract_address( 'a@example.org' ) );
		$this->assertSame( 'a@example.org', spamgate_extract_address( '"Ann, B." <a@example.org>' ) );
		$this->assertNull( spamgate_extract_address( 'a@example.org, b@example.org' ) );
		$this->assertNull( spamgate_extract_address( "a@example.org\r\nBcc: victim@example.net" ) );
		$this->assertNull( spamgate_extract_address( "a@example.org\xe2\x80\xa8" ) );
		$this->assertNull( spamgate_extract_address( '=?UTF-8?B?YUBleGFtcGxlLm9yZw==?= <a@example.org>' ) );
		$this->assertNull( spamgate_extract_address( 'not an address' ) );
		$this->assertNull( spamgate_extract_address( '' ) );
	}

	public function test_reply_to_needs_exactly_one_header_with_one_valid_address() {
		$one = spamgate_parse_headers( "From: x@example.org\nReply-To: Ann <ann@example.org>" );
		$this->assertSame( 'ann@example.org', spamgate_reply_to( $one ) );
		$this->assertSame( 'ann@example.org', spamgate_reply_to( spamgate_parse_headers( 'reply-to: ann@example.org' ) ) );
		$this->assertNull( spamgate_reply_to( spamgate_parse_headers( "Reply-To: a@example.org\nReply-To: b@example.org" ) ) );
		$this->assertNull( spamgate_reply_to( spamgate_parse_headers( 'Reply-To: a@example.org, b@example.org' ) ) );
		$this->assertNull( spamgate_reply_to( spamgate_parse_headers( 'Reply-To: nobody' ) ) );
		$this->assertNull( spamgate_reply_to( array() ) );
	}

	public function test_recipients_split_lists_and_count_invalid_ones() {
		$this->assertSame(
			array(
				'valid'   => array( 'a@example.org', 'b@example.org' ),
				'invalid' => 1,
			),
			spamgate_parse_recipients( array( 'a@example.org, "B, b" <b@example.org>', 'junk', 'a@example.org' ) )
		);
	}

	public function test_notify_payloads_one_per_recipient_without_sender_headers() {
		$built = spamgate_build_notify_payloads(
			array(
				'to'          => 'admin@example.org, owner@example.org',
				'subject'     => '[Blog] New comment',
				'message'     => 'Hello',
				'headers'     => array( 'From: Evil <evil@example.net>', 'Reply-To: fan@example.com', 'Bcc: x@example.net' ),
				'attachments' => array(),
			)
		);
		$this->assertSame( '', $built['error'] );
		$this->assertSame(
			array(
				array(
					'subject'   => '[Blog] New comment',
					'text'      => 'Hello',
					'reply_to'  => 'fan@example.com',
					'recipient' => 'admin@example.org',
				),
				array(
					'subject'   => '[Blog] New comment',
					'text'      => 'Hello',
					'reply_to'  => 'fan@example.com',
					'recipient' => 'owner@example.org',
				),
			),
			$built['payloads']
		);
	}

	public function test_notify_payload_turns_html_into_text_and_mentions_attachments() {
		$built = spamgate_build_notify_payloads(
			array(
				'to'          => 'a@example.org',
				'subject'     => 's',
				'message'     => '<p>Hi &amp; bye</p><script>x()</script>',
				'headers'     => 'Content-Type: text/html; charset=UTF-8',
				'attachments' => array( '/tmp/a.pdf' ),
			)
		);
		$this->assertSame( "Hi & bye\n\n[1 attachment(s) not sent: spamgate sends text only]", $built['payloads'][0]['text'] );
		$this->assertArrayNotHasKey( 'reply_to', $built['payloads'][0] );
	}

	public function test_notify_without_a_valid_recipient_is_an_error() {
		$built = spamgate_build_notify_payloads( array( 'to' => "x@example.org\nBcc: y@example.org" ) );
		$this->assertSame( array(), $built['payloads'] );
		$this->assertSame( 'no valid recipient address', $built['error'] );
	}

	public function test_verdict_maps_to_approval() {
		$this->assertSame( array( 'approved' => 1, 'outcome' => 'pass' ), spamgate_comment_approval( 'pass', 1, 'spam', false ) );
		$this->assertSame( array( 'approved' => 0, 'outcome' => 'pass' ), spamgate_comment_approval( 'pass', 0, 'spam', false ) );
		$this->assertSame( array( 'approved' => 'spam', 'outcome' => 'hold' ), spamgate_comment_approval( 'hold', 1, 'spam', false ) );
		$this->assertSame( array( 'approved' => 0, 'outcome' => 'hold' ), spamgate_comment_approval( 'hold', 1, 'pending', false ) );
		$this->assertSame( array( 'approved' => 'trash', 'outcome' => 'hold' ), spamgate_comment_approval( 'hold', 'trash', 'pending', false ) );
		$this->assertSame( array( 'approved' => 'spam', 'outcome' => 'bypass' ), spamgate_comment_approval( null, 1, 'spam', false ) );
		$this->assertSame( array( 'approved' => 'spam', 'outcome' => 'bypass' ), spamgate_comment_approval( 'PASS', 1, 'spam', false ) );
		$this->assertSame( array( 'approved' => 0, 'outcome' => 'bypass' ), spamgate_comment_approval( '', 1, 'pending', false ) );
		$this->assertSame( array( 'approved' => 1, 'outcome' => 'trusted' ), spamgate_comment_approval( null, 1, 'spam', true ) );
		$error = new stdClass();
		$this->assertSame( $error, spamgate_comment_approval( 'hold', $error, 'spam', false )['approved'] );
	}

	public function test_status_changes_map_to_feedback() {
		$this->assertSame( 'spam', spamgate_feedback_decision( 'spam', 'approved' ) );
		$this->assertSame( 'spam', spamgate_feedback_decision( 'spam', 'unapproved' ) );
		$this->assertSame( 'ham', spamgate_feedback_decision( 'approved', 'spam' ) );
		$this->assertSame( 'ham', spamgate_feedback_decision( 'unapproved', 'spam' ) );
		$this->assertSame( 'approve', spamgate_feedback_decision( 'approved', 'unapproved' ) );
		$this->assertNull( spamgate_feedback_decision( 'trash', 'spam' ) );
		$this->assertNull( spamgate_feedback_decision( 'unapproved', 'approved' ) );
		$this->assertNull( spamgate_feedback_decision( 'spam', 'spam' ) );
	}

	public function test_api_url_joins_with_one_slash() {
		$this->assertSame( 'http://h:1/spamgate/stats', Spamgate_Api::url( 'http://h:1/', '/spamgate/stats' ) );
		$this->assertSame( 'http://h:1/spamgate/stats', Spamgate_Api::url( 'http://h:1', 'spamgate/stats' ) );
	}

	public function test_stats_parse_and_total() {
		$stats = Spamgate_Api_Answers::stats( json_decode( '{"days":[{"date":"2026-11-21","pass":3,"hold":1,"reject":7},{"date":"2026-11-22","pass":2,"discard":4}],'
			. '"top_rules":[{"rule":"PHARMA","hits":5},{"bogus":1}]}', true ) );
		$this->assertSame( array( array( 'rule' => 'PHARMA', 'hits' => 5 ) ), $stats['top_rules'] );
		$this->assertSame( 0, $stats['days'][1]['hold'] );
		$this->assertSame(
			array(
				'pass'    => 5,
				'hold'    => 1,
				'reject'  => 7,
				'discard' => 4,
				'days'    => 2,
			),
			spamgate_stats_totals( $stats )
		);
		$this->assertSame( 0, $stats['foreign_bounces_7d'] );
		$this->assertSame( 3, Spamgate_Api_Answers::stats( json_decode( '{"days":[],"foreign_bounces_7d":3}', true ) )['foreign_bounces_7d'] );
		$this->assertNull( Spamgate_Api_Answers::stats( json_decode( 'not json', true ) ) );
		$this->assertNull( Spamgate_Api_Answers::stats( json_decode( '{"days":[{"pass":1}]}', true ) ) );
		$this->assertNull( Spamgate_Api_Answers::stats( json_decode( '{"top_rules":[]}', true ) ) );
	}
}
