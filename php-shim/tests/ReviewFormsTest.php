<?php
/**
 * Tests of form plugins' submissions on the review screen and their rescue
 * (includes/review-forms.php, review-api.php, review-screen.php) against
 * fakes of Contact Form 7's form and mail classes: the form's title, every
 * field escaped (Japanese too), and "Not spam" mailing what the form would
 * have mailed exactly once.
 *
 * @package spamgate
 */

use PHPUnit\Framework\TestCase;

/** Fake of CF7's mail-tag object: its field name. */
class Spamgate_Test_Cf7_Mail_Tag {
	/**
	 * The tag's name.
	 *
	 * @var string
	 */
	private $name;

	/**
	 * Builds the tag.
	 *
	 * @param string $name The field's name.
	 */
	public function __construct( $name ) {
		$this->name = $name;
	}

	/**
	 * As WPCF7_MailTag::field_name().
	 *
	 * @return string
	 */
	public function field_name() {
		return $this->name;
	}
}

/** Fake of WPCF7_Mail: replaces [tags] through the filters the plugin adds, as CF7 does without a submission, then wp_mail(). */
class WPCF7_Mail {
	/**
	 * As WPCF7_Mail::send().
	 *
	 * @param array  $template The form's mail template.
	 * @param string $name     'mail' or 'mail_2'.
	 * @return bool
	 */
	public static function send( $template, $name = '' ) {
		$GLOBALS['spamgate_test']['cf7_sent'][] = $name;
		$replace = function ( $text ) {
			return preg_replace_callback(
				'/\[([a-zA-Z_][0-9a-zA-Z:._-]*)\]/',
				function ( $m ) {
					$tag      = new Spamgate_Test_Cf7_Mail_Tag( $m[1] );
					$replaced = null;
					foreach ( $GLOBALS['spamgate_test_hooks']['wpcf7_mail_tag_replaced'] as $filter ) {
						$replaced = call_user_func( $filter[0], $replaced, null, false, $tag );
					}
					if ( null !== $replaced ) {
						return $replaced;
					}
					$special = null;
					foreach ( $GLOBALS['spamgate_test_hooks']['wpcf7_special_mail_tags'] as $filter ) {
						$special = call_user_func( $filter[0], $special, $m[1] );
					}
					return null === $special ? $m[0] : $special;
				},
				$text
			);
		};
		return wp_mail( $replace( $template['recipient'] ), $replace( $template['subject'] ), $replace( $template['body'] ), $replace( $template['additional_headers'] ) );
	}
}

/** Fake of WPCF7_ContactForm: a title and a mail template. */
class Spamgate_Test_Cf7_Form {
	/**
	 * As WPCF7_ContactForm::title().
	 *
	 * @return string
	 */
	public function title() {
		return 'お問い合わせ <b>';
	}

	/**
	 * As WPCF7_ContactForm::prop().
	 *
	 * @param string $name 'mail'.
	 * @return array
	 */
	public function prop( $name ) {
		return array(
			'recipient'          => 'owner@example.org',
			'subject'            => 'ブログ "[your-subject]"',
			'body'               => "From: [your-name] <[your-email]>\nSubject: [your-subject]\n\n[your-message]\n\nChoices: [your-choice]\nIP: [_remote_ip]\n[_unknown_tag]",
			'additional_headers' => 'Reply-To: [your-email]',
		);
	}
}

// phpcs:disable Squiz.Commenting.FunctionComment.Missing -- a fake of CF7's function.
function wpcf7_contact_form( $id ) {
	return isset( $GLOBALS['spamgate_test']['cf7_forms'][ $id ] ) ? $GLOBALS['spamgate_test']['cf7_forms'][ $id ] : null;
}
// phpcs:enable

/** Tests of form submissions in review. */
final class ReviewFormsTest extends TestCase {

	const ID = 'fedcba9876543210';

	public static function setUpBeforeClass(): void {
		require_once __DIR__ . '/fakes/class-wp-list-table.php';
		require_once dirname( __DIR__ ) . '/includes/class-spamgate-blocked-table.php';
	}

	protected function setUp(): void {
		spamgate_test_reset();
		$this->fixture();
	}

	private static function json( array $changes = array() ) {
		return array_merge(
			array(
				'id'             => self::ID,
				'created_at'     => 1764590400,
				'endpoint'       => '/wp-json/contact-form-7/v1/contact-forms/12/feedback',
				'kind'           => 'form',
				'ip'             => '192.0.2.7',
				'user_agent'     => 'Mozilla/5.0',
				'action'         => 'hold',
				'score'          => 6,
				'rules'          => 'PHARMA',
				'author'         => '山田 太郎',
				'email'          => 'taro@example.jp',
				'subject'        => '見積もりのお願い',
				'body'           => '<script>alert(1)</script> 本文です',
				'form'           => array(
					'name'      => 'cf7',
					'id'        => '12',
					'container' => '5',
				),
				'fields'         => array(
					array(
						'name'  => '_wpcf7',
						'value' => '12',
					),
					array( '_wpcf7_unit_tag', 'wpcf7-f12-p5-o1' ),
					array( 'your-name', '山田 太郎' ),
					array( 'your-email', 'taro@example.jp' ),
					array( 'your-subject', '見積もりのお願い' ),
					array( 'your-message', '<script>alert(1)</script> 本文です' ),
					array( 'your-choice[]', 'A' ),
					array( 'your-choice[]', 'B' ),
					array( 'ご用件', '見積もり & 相談' ),
					array( 'sg_token', '1764590390.abc' ),
					array( 'sg_website', '' ),
				),
			),
			$changes
		);
	}

	private static function item( array $changes = array() ) {
		return Spamgate_Api_Answers::submission( self::json( $changes ) );
	}

	public function test_fields_are_read_from_pairs_objects_or_a_map_in_order() {
		$expected = array( array( 'a', '1' ), array( 'b', '' ) );
		$this->assertSame( $expected, Spamgate_Api_Answers::form_fields( array( array( 'a', '1' ), array( 'b', null ) ) ) );
		$this->assertSame( $expected, Spamgate_Api_Answers::form_fields( array( array( 'name' => 'a', 'value' => '1' ), array( 'name' => 'b' ) ) ) );
		$this->assertSame( $expected, Spamgate_Api_Answers::form_fields( array( 'a' => '1', 'b' => '' ) ) );
		$this->assertSame( array(), Spamgate_Api_Answers::form_fields( 'not fields' ) );
		$this->assertSame( array( array( 'a', '1' ) ), Spamgate_Api_Answers::form_fields( array( array( 'a', '1' ), array( 'x', array( 'nested' ) ), 7 ) ) );
	}

	public function test_an_item_carries_its_form_and_the_visitors_fields() {
		$item = self::item();
		$this->assertSame( 'cf7', $item['form_name'] );
		$this->assertSame( '12', $item['form_id'] );
		$this->assertSame( 5, $item['form_page'] );
		$this->assertSame(
			array(
				array( 'your-name', '山田 太郎' ),
				array( 'your-email', 'taro@example.jp' ),
				array( 'your-subject', '見積もりのお願い' ),
				array( 'your-message', '<script>alert(1)</script> 本文です' ),
				array( 'your-choice', 'A' ),
				array( 'your-choice', 'B' ),
				array( 'ご用件', '見積もり & 相談' ),
			),
			spamgate_visitor_fields( $item['fields'] )
		);
		$bot = spamgate_visitor_fields( self::item( array( 'fields' => array( array( 'sg_website', 'http://bot.example/' ) ) ) )['fields'] );
		$this->assertSame( array( array( 'sg_website', 'http://bot.example/' ) ), $bot, 'a filled honeypot is shown' );
	}

	public function test_the_forms_name_is_its_cf7_title_else_its_post_title_else_plugin_and_id() {
		$this->assertSame( 'お問い合わせ <b>', spamgate_review_form_title( self::item() ) );
		$GLOBALS['spamgate_test']['cf7_forms'] = array();
		$GLOBALS['spamgate_test']['posts'][12] = (object) array(
			'ID'         => 12,
			'post_type'  => 'wpcf7_contact_form',
			'post_title' => 'Contact form 1',
		);
		$this->assertSame( 'Contact form 1', spamgate_review_form_title( self::item() ) );
		$this->assertSame( 'Contact Form 7 #99', spamgate_review_form_title( self::item( array( 'form' => array( 'name' => 'cf7', 'id' => '99' ) ) ) ) );
		$this->assertSame( 'WPForms #3', spamgate_review_form_title( self::item( array( 'form' => array( 'name' => 'wpforms', 'id' => '3' ) ) ) ) );
		$this->assertSame( 'my_form', spamgate_review_form_title( self::item( array( 'form' => array( 'name' => 'my_form' ) ) ) ) );
	}

	public function test_the_screen_shows_the_forms_title_the_page_and_every_field_escaped() {
		$GLOBALS['spamgate_test']['posts'][5] = (object) array(
			'ID'         => 5,
			'post_type'  => 'page',
			'post_title' => 'お問い合わせページ',
		);
		$item     = self::item();
		$table    = new Spamgate_Blocked_Table( spamgate_review_filters( array() ) );
		$response = $table->column_response( $item );
		$this->assertStringContainsString( '<strong class="spamgate-form-title">お問い合わせ &lt;b&gt;</strong>', $response );
		$this->assertStringContainsString( '<a href="http://blog.example/?p=5">お問い合わせページ</a>', $response );
		$cell = $table->column_submission( $item );
		$this->assertStringContainsString( '<th scope="row">your-name</th><td class="spamgate-full-text">山田 太郎</td>', $cell );
		$this->assertStringContainsString( '<td class="spamgate-full-text">&lt;script&gt;alert(1)&lt;/script&gt; 本文です</td>', $cell );
		$this->assertStringContainsString( '<th scope="row">your-choice</th><td class="spamgate-full-text">B</td>', $cell );
		$this->assertStringContainsString( '<th scope="row">ご用件</th><td class="spamgate-full-text">見積もり &amp; 相談</td>', $cell );
		$this->assertStringNotContainsString( '<script>', $cell );
		$this->assertStringNotContainsString( 'sg_token', $cell );
		$this->assertStringNotContainsString( '_wpcf7', $cell );
	}

	public function test_the_form_filter_offers_the_sites_forms_and_keeps_the_current_one() {
		$html = spamgate_review_form_filter_html( array( 'cf7:12' => 'お問い合わせ <b>' ), 'wpforms:4' );
		$this->assertStringContainsString( '<option value="cf7:12">お問い合わせ &lt;b&gt;</option>', $html );
		$this->assertStringContainsString( '<option value="wpforms:4" selected="selected">wpforms:4</option>', $html );
		$this->assertSame( '', spamgate_review_form_filter_html( array(), '' ) );
		$GLOBALS['spamgate_test']['options']['users_can_register'] = '1';
		$this->assertSame( array( 'wp_register' => 'WordPress registration' ), spamgate_review_form_choices() );
		$this->assertSame( 'cf7:12x', spamgate_review_sanitize_form( 'cf7:12"><x' ) );
		$this->assertSame( '/spamgate/submissions?form=cf7%3A12', Spamgate_Api::submissions_path( array( 'form' => 'cf7:12' ) ) );
	}

	public function test_not_spam_mails_the_cf7_forms_own_mail_with_every_field_once_then_records_the_decision() {
		$item   = self::json();
		$answer = array( 200, json_encode( array( 'previous' => null, 'mailed' => false, 'item' => $item ) ) );
		spamgate_test_reset( array( array( 200, json_encode( $item ) ), $answer ) );
		$this->fixture();
		$result = spamgate_review_decide( self::ID, 'ham' );
		$this->assertSame( '', $result['error'] );
		$this->assertSame( 'form', $result['kind'] );
		$this->assertTrue( $result['mailed'] );
		$this->assertSame( array( 'mail' ), $GLOBALS['spamgate_test']['cf7_sent'], 'Mail, never Mail (2) to the visitor' );
		$mail = $GLOBALS['spamgate_test']['mails'][0];
		$this->assertSame( 'owner@example.org', $mail['to'] );
		$this->assertSame( 'ブログ "見積もりのお願い"', $mail['subject'] );
		$this->assertSame( "From: 山田 太郎 <taro@example.jp>\nSubject: 見積もりのお願い\n\n<script>alert(1)</script> 本文です\n\nChoices: A, B\nIP: 192.0.2.7\n[_unknown_tag]", $mail['message'] );
		$this->assertSame( 'Reply-To: taro@example.jp', $mail['headers'] );
		$this->assertNull( spamgate_cf7_rescued_item(), 'the filters fill in nothing after the mail' );
		$this->assertSame( 'kept', spamgate_cf7_rescued_mail_tag( 'kept', null, false, new Spamgate_Test_Cf7_Mail_Tag( 'your-name' ) ), 'nor in a visitor\'s own CF7 mail' );
		$this->assertSame( 'http://127.0.0.1:8080/spamgate/submissions/' . self::ID . '/decision', $GLOBALS['spamgate_test']['requests'][1][0] );
		$this->assertSame( array( 'decision' => 'ham' ), json_decode( $GLOBALS['spamgate_test']['requests'][1][1]['body'], true ) );
		$this->assertIsInt( get_option( spamgate_rescue_mail_option( self::ID ) ) );

		// A second click (or a bulk action over it) sends nothing more.
		$GLOBALS['spamgate_test']['responses'] = array( array( 200, json_encode( $item ) ), $answer );
		$again                                 = spamgate_review_decide( self::ID, 'ham' );
		$this->assertSame( '', $again['error'] );
		$this->assertFalse( $again['mailed'] );
		$this->assertCount( 1, $GLOBALS['spamgate_test']['mails'] );
		$this->assertCount( 4, $GLOBALS['spamgate_test']['requests'] );
	}

	public function test_a_failed_mail_records_no_decision_so_the_item_stays_listed_to_retry() {
		spamgate_test_reset( array( array( 200, json_encode( self::json() ) ) ) );
		$this->fixture();
		$GLOBALS['spamgate_test']['mail_ok'] = false;
		$result                              = spamgate_review_decide( self::ID, 'ham' );
		$this->assertStringContainsString( 'could not hand the message to spamgate', $result['error'] );
		$this->assertFalse( $result['mailed'] );
		$this->assertCount( 1, $GLOBALS['spamgate_test']['requests'], 'no decision was posted' );
		$this->assertFalse( get_option( spamgate_rescue_mail_option( self::ID ) ) );
	}

	public function test_another_request_rescuing_it_sends_nothing() {
		spamgate_test_reset( array( array( 200, json_encode( self::json() ) ) ) );
		$this->fixture();
		$GLOBALS['spamgate_test']['db_lock'] = '0';
		$result                              = spamgate_review_decide( self::ID, 'ham' );
		$this->assertStringContainsString( 'Another request', $result['error'] );
		$this->assertSame( array(), $GLOBALS['spamgate_test']['mails'] );
	}

	public function test_a_form_without_its_plugin_here_is_mailed_as_a_list_of_every_field() {
		$item = self::item( array( 'form' => array( 'name' => 'wpforms', 'id' => '3' ) ) );
		$mail = spamgate_form_fields_mail( $item );
		$this->assertSame( 'Rescued message: 見積もりのお願い', $mail['subject'] );
		$this->assertStringContainsString( 'A message sent with "WPForms #3"', $mail['text'] );
		$this->assertStringContainsString( "your-name: 山田 太郎\nyour-email: taro@example.jp\nyour-subject: 見積もりのお願い\nyour-message: <script>alert(1)</script> 本文です\nyour-choice: A\nyour-choice: B\nご用件: 見積もり & 相談\n", $mail['text'] );
		$this->assertSame( 'taro@example.jp', $mail['reply_to'] );
		$this->assertSame( '', spamgate_form_fields_mail( self::item( array( 'email' => "a@b.example\r\nBcc: x@y.example" ) ) )['reply_to'] );

		$this->assertTrue( spamgate_review_mail_form( $item )['mailed'] );
		$this->assertSame( 'owner@example.org', $GLOBALS['spamgate_test']['mails'][0]['to'] );
		$this->assertSame( array( 'Reply-To: taro@example.jp' ), $GLOBALS['spamgate_test']['mails'][0]['headers'] );
	}

	public function test_the_notice_counts_form_messages() {
		$notices = spamgate_review_result_notices(
			array(
				array(
					'id'       => self::ID,
					'decision' => 'ham',
					'kind'     => 'form',
					'mailed'   => true,
					'error'    => '',
				),
			),
			'pending'
		);
		$this->assertSame( array( '1 form message rescued; it is mailed to you as the form would have mailed it.' ), $notices[0]['lines'] );
	}

	private function fixture() {
		$GLOBALS['spamgate_test']['cf7_forms'] = array( 12 => new Spamgate_Test_Cf7_Form() );
		$GLOBALS['spamgate_test']['cf7_sent']  = array();
		$GLOBALS['spamgate_test']['options']   = array( 'admin_email' => 'owner@example.org' );
	}
}
