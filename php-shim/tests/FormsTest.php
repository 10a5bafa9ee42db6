<?php
/**
 * Tests of the form plugins' hooks (includes/forms.php) and the form token
 * fields and script (includes/form-token.php) against fakes of the form
 * plugins' objects: a held or unscored submission becomes spam through each
 * plugin's own hook, with spamgate's rules and id in the reason; a passed
 * one is left to the plugin.
 *
 * @package spamgate
 */

use PHPUnit\Framework\TestCase;

/** Fake of Contact Form 7's WPCF7_Submission: only its spam log. */
class Spamgate_Test_Cf7_Submission {
	/**
	 * The spam log entries.
	 *
	 * @var array
	 */
	public $spam_log = array();

	/**
	 * As WPCF7_Submission::add_spam_log().
	 *
	 * @param array $args agent, reason.
	 * @return void
	 */
	public function add_spam_log( $args ) {
		$this->spam_log[] = $args;
	}
}

/** Fake of Elementor Pro's Ajax_Handler: records its errors. */
class Spamgate_Test_Elementor_Handler {
	/**
	 * Field errors.
	 *
	 * @var array
	 */
	public $errors = array();

	/**
	 * Form-wide messages.
	 *
	 * @var array
	 */
	public $messages = array();

	/**
	 * As Ajax_Handler::add_error().
	 *
	 * @param string $field   The field.
	 * @param string $message The message.
	 * @return void
	 */
	public function add_error( $field, $message = '' ) {
		$this->errors[ $field ] = $message;
	}

	/**
	 * As Ajax_Handler::add_error_message().
	 *
	 * @param string $message The message.
	 * @return void
	 */
	public function add_error_message( $message ) {
		$this->messages[] = $message;
	}
}

/** Fake of WP_Error's add() for registration errors. */
class Spamgate_Test_Errors {
	/**
	 * Code => message.
	 *
	 * @var array
	 */
	public $errors = array();

	/**
	 * As WP_Error::add().
	 *
	 * @param string $code    Code.
	 * @param string $message Message.
	 * @return void
	 */
	public function add( $code, $message ) {
		$this->errors[ $code ] = $message;
	}
}

/** Tests of the form plugins' hooks and the form token. */
final class FormsTest extends TestCase {

	protected function setUp(): void {
		spamgate_test_reset();
		unset( $_SERVER['SPAMGATE_VERDICT'], $_SERVER['SPAMGATE_UNSCORED'], $_SERVER['SPAMGATE_ID'], $_SERVER['SPAMGATE_SCORE'], $_SERVER['SPAMGATE_RULES'], $_POST['woocommerce-register-nonce'] );
		$_SERVER['REQUEST_URI'] = '/wp-json/contact-form-7/v1/contact-forms/7/feedback';
	}

	private function verdict( $verdict, $rules = '', $id = '' ) {
		$_SERVER['SPAMGATE_VERDICT'] = $verdict;
		$_SERVER['SPAMGATE_RULES']   = $rules;
		$_SERVER['SPAMGATE_ID']      = $id;
	}

	public function test_form_outcome_follows_the_comment_rule() {
		$this->assertSame( 'pass', spamgate_form_outcome( 'pass', false ) );
		$this->assertSame( 'hold', spamgate_form_outcome( 'hold', false ) );
		$this->assertSame( 'bypass', spamgate_form_outcome( null, false ) );
		$this->assertSame( 'bypass', spamgate_form_outcome( 'reject', false ) ); // spamgate never forwards one: forged or broken.
		$this->assertSame( 'trusted', spamgate_form_outcome( 'hold', true ) );
		$this->assertSame( 'unscored', spamgate_form_outcome( null, false, true ) );
		$this->assertSame( 'hold', spamgate_form_outcome( 'hold', false, true ) );
	}

	public function test_a_message_spamgate_forwarded_unscored_keeps_cf7s_decision() {
		$_SERVER['SPAMGATE_UNSCORED'] = '1';
		$submission                   = new Spamgate_Test_Cf7_Submission();
		$this->assertFalse( spamgate_cf7_spam( false, $submission ) );
		$this->assertSame( array(), $submission->spam_log );
		$this->assertFalse( get_option( 'spamgate_problem_form_bypass' ) );
	}

	public function test_the_spam_reason_names_the_rules_and_the_id_and_nothing_else() {
		$this->assertSame(
			'spamgate held this submission (rules: PHARMA, LINKS_3); spamgate id 0123456789abcdef',
			spamgate_form_spam_reason( 'hold', 'PHARMA,LINKS_3', '0123456789abcdef' )
		);
		$this->assertSame( 'spamgate held this submission', spamgate_form_spam_reason( 'hold', '', '' ) );
		$this->assertSame( 'spamgate held this submission (rules: X)', spamgate_form_spam_reason( 'hold', "X\r\n<>\"", '' ) );
		$this->assertStringContainsString( 'without passing spamgate', spamgate_form_spam_reason( 'bypass', '', '' ) );
	}

	public function test_a_held_cf7_message_is_spam_with_a_log_entry_naming_spamgates_rules() {
		$this->verdict( 'hold', 'TEST_HOLD,LINKS_3', '00112233aabbccdd' );
		$submission = new Spamgate_Test_Cf7_Submission();
		$this->assertTrue( spamgate_cf7_spam( false, $submission ) );
		$this->assertSame(
			array(
				array(
					'agent'  => 'spamgate',
					'reason' => 'spamgate held this submission (rules: TEST_HOLD, LINKS_3); spamgate id 00112233aabbccdd',
				),
			),
			$submission->spam_log
		);
		$this->assertFalse( get_option( 'spamgate_problem_form_bypass' ) );
		$this->assertFalse( spamgate_cf7_skip_spam_check( true ), 'another plugin cannot skip a hold' );
	}

	public function test_a_passed_cf7_message_keeps_cf7s_decision() {
		$this->verdict( 'pass' );
		$submission = new Spamgate_Test_Cf7_Submission();
		$this->assertFalse( spamgate_cf7_spam( false, $submission ) );
		$this->assertTrue( spamgate_cf7_spam( true, $submission ), 'Akismet or CF7 said spam: it stays spam' );
		$this->assertSame( array(), $submission->spam_log );
		$this->assertTrue( spamgate_cf7_skip_spam_check( true ) );
	}

	public function test_a_cf7_message_without_a_verdict_is_spam_and_the_admin_is_told() {
		$submission = new Spamgate_Test_Cf7_Submission();
		$this->assertTrue( spamgate_cf7_spam( false, $submission ) );
		$this->assertStringContainsString( 'without passing spamgate', $submission->spam_log[0]['reason'] );
		$problem = get_option( 'spamgate_problem_form_bypass' );
		$this->assertSame(
			'a Contact Form 7 submission reached WordPress without passing spamgate (/wp-json/contact-form-7/v1/contact-forms/7/feedback)',
			$problem['message']
		);
	}

	public function test_a_site_can_say_a_form_plugin_is_not_routed_to_spamgate() {
		$GLOBALS['spamgate_test']['filters']['spamgate_form_requires_verdict'] = function ( $required, $form ) {
			return 'cf7' !== $form;
		};
		$this->assertFalse( spamgate_cf7_spam( false, new Spamgate_Test_Cf7_Submission() ) );
		$this->assertFalse( get_option( 'spamgate_problem_form_bypass' ) );
		$this->assertSame( 'a held reason', spamgate_wpforms_honeypot( 'a held reason' ) );
		$this->assertStringContainsString( 'without passing spamgate', spamgate_wpforms_honeypot( '' ) );
	}

	public function test_a_moderator_is_trusted_as_for_comments() {
		$GLOBALS['spamgate_test']['can'] = true;
		$this->assertFalse( spamgate_cf7_spam( false, new Spamgate_Test_Cf7_Submission() ) );
	}

	public function test_wpforms_gets_spamgates_reason_as_its_honeypot_answer() {
		$this->verdict( 'hold', 'PHARMA', '0123456789abcdef' );
		$this->assertSame( 'spamgate held this submission (rules: PHARMA); spamgate id 0123456789abcdef', spamgate_wpforms_honeypot( '' ) );
		$this->assertSame( 'WPForms honeypot', spamgate_wpforms_honeypot( 'WPForms honeypot' ) );
		$this->verdict( 'pass' );
		$this->assertSame( '', spamgate_wpforms_honeypot( '' ) );
	}

	public function test_gravity_forms_entries_become_spam_on_hold_only() {
		$this->verdict( 'hold', 'PHARMA' );
		$this->assertTrue( spamgate_gform_entry_is_spam( false, array( 'id' => 3 ) ) );
		$this->verdict( 'pass' );
		$this->assertFalse( spamgate_gform_entry_is_spam( false, array( 'id' => 3 ) ) );
		$this->assertTrue( spamgate_gform_entry_is_spam( true, array( 'id' => 3 ) ) );
	}

	public function test_elementor_gets_a_form_error_that_says_nothing_of_why() {
		$this->verdict( 'hold', 'PHARMA' );
		$handler = new Spamgate_Test_Elementor_Handler();
		spamgate_elementor_validation( null, $handler );
		$this->assertSame( array( 'spamgate' => spamgate_form_refusal_message() ), $handler->errors );
		$this->assertSame( array( spamgate_form_refusal_message() ), $handler->messages );
		$this->assertStringNotContainsString( 'PHARMA', spamgate_form_refusal_message() );
		$this->verdict( 'pass' );
		$passed = new Spamgate_Test_Elementor_Handler();
		spamgate_elementor_validation( null, $passed );
		$this->assertSame( array(), $passed->errors );
	}

	public function test_registration_is_refused_on_hold_and_woocommerce_only_for_its_my_account_form() {
		$this->verdict( 'hold', 'PHARMA' );
		$errors = spamgate_registration_errors( new Spamgate_Test_Errors() );
		$this->assertSame( array( 'spamgate_held' ), array_keys( $errors->errors ) );

		$checkout = spamgate_woocommerce_registration_errors( new Spamgate_Test_Errors() );
		$this->assertSame( array(), $checkout->errors, 'an account made at checkout is not scored by spamgate' );
		$_POST['woocommerce-register-nonce'] = 'n';
		$account = spamgate_woocommerce_registration_errors( new Spamgate_Test_Errors() );
		$this->assertSame( array( 'spamgate_held' ), array_keys( $account->errors ) );

		$this->verdict( 'pass' );
		$this->assertSame( array(), spamgate_registration_errors( new Spamgate_Test_Errors() )->errors );
	}

	public function test_a_cf7_form_gets_the_honeypot_and_a_valid_token_inside_it_and_the_script_once() {
		$before = time();
		$html   = spamgate_cf7_form_elements( '<p><input type="submit"></p>' );
		$this->assertStringStartsWith( '<p><input type="submit"></p>', $html );
		$this->assertMatchesRegularExpression( '/<input type="text" name="sg_website" id="sg_website_cf7_\d+" value=""/', $html );
		$this->assertSame( 1, preg_match( '/name="sg_token" value="(\d+)\.([0-9a-f]{64})"/', $html, $m ) );
		$this->assertGreaterThanOrEqual( $before, (int) $m[1] );
		$this->assertSame( hash_hmac( 'sha256', $m[1], 'test-secret' ), $m[2] );
		$this->assertStringNotContainsString( 'test-secret', $html );

		$second = spamgate_cf7_form_elements( '' );
		$this->assertNotSame( $this->honeypot_id( $html ), $this->honeypot_id( $second ), 'two forms on a page need two ids' );

		$script = $GLOBALS['spamgate_test']['scripts']['spamgate-form-token'];
		$this->assertTrue( $script['enqueued'] );
		$this->assertTrue( $script['in_footer'] );
		$this->assertSame( SPAMGATE_FORM_TOKEN_VERSION, $script['ver'] );
		$this->assertCount( 1, $script['inline'], 'enqueued once however many forms' );
		$this->assertStringStartsWith( 'var spamgateFormToken = {"url":"\/spamgate\/token","tokenField":"sg_token","honeypotField":"sg_website"', $script['inline'][0] );
		$this->assertStringContainsString( 'form.wpcf7-form', $script['inline'][0] );
		$this->assertStringNotContainsString( 'test-secret', $script['inline'][0] );
	}

	public function test_the_comment_form_keeps_its_fields_and_gets_the_script() {
		ob_start();
		spamgate_comment_form_fields();
		$html = ob_get_clean();
		$this->assertStringContainsString( 'name="sg_website" id="sg_website" value=""', $html );
		$this->assertStringContainsString( 'name="sg_token" value="', $html );
		$this->assertTrue( wp_script_is( 'spamgate-form-token' ) );
	}

	public function test_the_token_url_can_be_changed_by_a_filter() {
		$GLOBALS['spamgate_test']['filters']['spamgate_token_url'] = function () {
			return 'https://blog.example/gate/token';
		};
		spamgate_gform_submit_button( '<button>' );
		$this->assertStringContainsString( '"url":"https:\/\/blog.example\/gate\/token"', $GLOBALS['spamgate_test']['scripts']['spamgate-form-token']['inline'][0] );
	}

	private function honeypot_id( $html ) {
		preg_match( '/id="(sg_website[^"]*)"/', $html, $m );
		return $m[1];
	}
}
