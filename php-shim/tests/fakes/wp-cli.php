<?php
/**
 * The few parts of WP-CLI that includes/cli.php uses, recording into
 * WP_CLI::$calls; WP_CLI::error() throws instead of exiting. Loaded by
 * CliTest only (Debian does not package WP-CLI).
 *
 * @package spamgate
 */

namespace WP_CLI\Utils {

	/**
	 * Stub of WP-CLI's progress bar factory.
	 *
	 * @param string $message The bar's label.
	 * @param int    $count   Its total.
	 * @return \Spamgate_Test_Progress
	 */
	function make_progress_bar( $message, $count ) {
		\WP_CLI::$calls[] = array( 'progress', $message, $count );
		return new \Spamgate_Test_Progress();
	}
}

namespace {

	/** Stub of WP-CLI's facade. */
	class WP_CLI {
		/**
		 * Every call, in order: array( name, ...arguments ).
		 *
		 * @var array
		 */
		public static $calls = array();

		/**
		 * Records a command.
		 *
		 * @param string $name     Command name.
		 * @param mixed  $callable Class name or callable.
		 * @return bool
		 */
		public static function add_command( $name, $callable ) {
			self::$calls[] = array( 'add_command', $name, $callable );
			return true;
		}

		/**
		 * Records a line.
		 *
		 * @param string $message Text.
		 * @return void
		 */
		public static function log( $message ) {
			self::$calls[] = array( 'log', $message );
		}

		/**
		 * Records a success line.
		 *
		 * @param string $message Text.
		 * @return void
		 */
		public static function success( $message ) {
			self::$calls[] = array( 'success', $message );
		}

		/**
		 * Records an error and stops, as WP-CLI does (by exiting).
		 *
		 * @param string $message Text.
		 * @return void
		 * @throws RuntimeException Always.
		 */
		public static function error( $message ) {
			self::$calls[] = array( 'error', $message );
			throw new RuntimeException( $message );
		}
	}

	/** Stub of WP-CLI's progress bar. */
	class Spamgate_Test_Progress {

		/**
		 * Records progress.
		 *
		 * @param int $increment Steps done.
		 * @return void
		 */
		public function tick( $increment = 1 ) {
			\WP_CLI::$calls[] = array( 'tick', $increment );
		}

		/**
		 * Records the end.
		 *
		 * @return void
		 */
		public function finish() {
			\WP_CLI::$calls[] = array( 'finish' );
		}
	}
}
