<?php
/**
 * Tests of uninstall.php (and includes/cleanup.php): every option and
 * transient of the plugin goes, comment meta stays, spamgate is not called.
 *
 * @package spamgate
 */

use PHPUnit\Framework\TestCase;

/** Tests of the uninstall script. */
final class UninstallTest extends TestCase {

	protected function setUp(): void {
		spamgate_test_reset();
	}

	public function test_uninstall_removes_the_plugins_options_and_transients_only() {
		foreach ( array( 'spamgate_rescue_status', 'spamgate_problem_mail', 'spamgate_problem_bypass', 'spamgate_problem_form_bypass', 'spamgate_future_option', 'blogname' ) as $name ) {
			update_option( $name, 'x' );
		}
		foreach ( array( 'spamgate_stats', 'spamgate_train_result_7', 'spamgate_review_result_3', 'other_plugin' ) as $name ) {
			set_transient( $name, 'x' );
		}
		add_comment_meta( 5, '_spamgate_id', '0123456789abcdef' );
		// What the LIKE query finds in the options table.
		$GLOBALS['spamgate_test']['db_col'] = array( 'spamgate_future_option', '_transient_spamgate_train_result_7', '_transient_spamgate_review_result_3' );

		define( 'WP_UNINSTALL_PLUGIN', 'spamgate/spamgate.php' );
		include dirname( __DIR__ ) . '/uninstall.php';

		$this->assertSame( array( 'blogname' => 'x' ), $GLOBALS['spamgate_test']['options'] );
		$this->assertSame( array( 'other_plugin' => 'x' ), $GLOBALS['spamgate_test']['transient'] );
		$this->assertSame( '0123456789abcdef', get_comment_meta( 5, '_spamgate_id', true ) );
		$this->assertCount( 0, $GLOBALS['spamgate_test']['requests'] );
		$this->assertSame(
			array( "SELECT option_name FROM wp_options WHERE option_name LIKE 'spamgate\\_%' OR option_name LIKE '\\_transient\\_spamgate\\_%'" ),
			$GLOBALS['spamgate_test']['db']
		);
	}

	public function test_every_option_and_transient_name_in_the_code_is_covered() {
		$names = array();
		foreach ( glob( dirname( __DIR__ ) . '/includes/*.php' ) as $file ) {
			preg_match_all( "/(?:add|update)_option\\(\\s*'([a-z_]+)'|set_transient\\(\\s*'([a-z_]+)'/", file_get_contents( $file ), $m );
			$names = array_merge( $names, array_filter( $m[1] ), array_filter( $m[2] ) );
		}
		$this->assertNotEmpty( $names );
		foreach ( array_unique( $names ) as $name ) {
			$this->assertStringStartsWith( 'spamgate_', $name, 'the uninstall sweep covers spamgate_* only' );
		}
	}
}
