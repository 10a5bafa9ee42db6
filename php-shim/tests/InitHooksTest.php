<?php
/**
 * Tests of spamgate_init_hooks(), the one list of the plugin's actions and
 * filters: every callback exists and takes what its hook passes, and no
 * other file adds a hook.
 *
 * @package spamgate
 */

use PHPUnit\Framework\TestCase;

/** Tests of includes/hooks.php. */
final class InitHooksTest extends TestCase {

	public function test_every_hook_names_a_plugin_function_that_takes_what_the_hook_passes() {
		$hooks = $GLOBALS['spamgate_test_hooks'];
		$this->assertArrayHasKey( 'pre_wp_mail', $hooks );
		$this->assertArrayHasKey( 'load-comments_page_spamgate-blocked', $hooks );
		foreach ( $hooks as $hook => $callbacks ) {
			foreach ( $callbacks as $added ) {
				list( $callback, , $accepted ) = $added;
				$this->assertIsString( $callback, $hook );
				$this->assertStringStartsWith( 'spamgate_', $callback, $hook );
				$this->assertTrue( function_exists( $callback ), "$hook: $callback is not defined" );
				$function = new ReflectionFunction( $callback );
				$this->assertLessThanOrEqual( $accepted, $function->getNumberOfRequiredParameters(), "$hook: $callback needs more arguments than the hook passes" );
			}
		}
	}

	public function test_each_callback_is_added_once_per_hook() {
		foreach ( $GLOBALS['spamgate_test_hooks'] as $hook => $callbacks ) {
			$names = array_column( $callbacks, 0 );
			$this->assertSame( array_unique( $names ), $names, $hook );
		}
	}

	public function test_no_other_file_adds_a_hook() {
		$root  = dirname( __DIR__ );
		$files = array_merge( array( $root . '/spamgate.php', $root . '/uninstall.php' ), glob( $root . '/includes/*.php' ) );
		$this->assertGreaterThan( 10, count( $files ) );
		foreach ( $files as $file ) {
			if ( 'hooks.php' === basename( $file ) ) {
				continue;
			}
			$this->assertDoesNotMatchRegularExpression( '/\badd_(action|filter)\s*\(/', (string) file_get_contents( $file ), $file );
		}
	}
}
