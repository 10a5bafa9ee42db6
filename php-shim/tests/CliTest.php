<?php
/**
 * Tests of `wp spamgate train` (includes/cli.php) against a stub of WP-CLI
 * (tests/fakes/wp-cli.php).
 *
 * @package spamgate
 */

use PHPUnit\Framework\TestCase;

/** Tests of Spamgate_CLI_Command. */
final class CliTest extends TestCase {

	const MODEL = '{"spam":2,"ham":1,"min_per_class":2,"active":false,"updated_at":0}';

	/**
	 * WP-CLI calls made while includes/cli.php loaded.
	 *
	 * @var array
	 */
	private static $loading_calls = array();

	public static function setUpBeforeClass(): void {
		require_once __DIR__ . '/fakes/wp-cli.php';
		WP_CLI::$calls = array();
		require_once dirname( __DIR__ ) . '/includes/cli.php';
		self::$loading_calls = WP_CLI::$calls;
	}

	protected function setUp(): void {
		spamgate_test_reset();
		WP_CLI::$calls = array();
	}

	private static function history( array $responses ) {
		spamgate_test_reset( $responses );
		foreach ( array( 1 => '1', 2 => 'spam', 3 => 'spam' ) as $id => $approved ) {
			$GLOBALS['spamgate_test']['comments'][] = (object) array(
				'comment_ID'           => (string) $id,
				'comment_approved'     => $approved,
				'comment_type'         => 'comment',
				'comment_author'       => 'A',
				'comment_author_email' => '',
				'comment_author_url'   => '',
				'comment_author_IP'    => '192.0.2.1',
				'comment_content'      => 'text ' . $id,
			);
		}
	}

	public function test_the_command_is_registered() {
		$this->assertSame( array( array( 'add_command', 'spamgate', 'Spamgate_CLI_Command' ) ), self::$loading_calls );
	}

	public function test_train_ticks_per_batch_and_ends_with_the_counts_and_the_status() {
		$answer = array( 200, '{"stored":1,"replaced":0,"model":' . self::MODEL . '}' );
		self::history( array( $answer, $answer, $answer, array( 200, '{"spam":2,"ham":2,"min_per_class":2,"active":true,"updated_at":0}' ) ) );
		( new Spamgate_CLI_Command() )->train( array(), array( 'batch' => '1' ) );
		$this->assertSame(
			array(
				array( 'progress', 'Training spamgate', 3 ),
				array( 'tick', 1 ),
				array( 'tick', 1 ),
				array( 'tick', 1 ),
				array( 'finish' ),
				array( 'success', 'Trained spamgate with 1 ham and 2 spam comments.' ),
				array( 'log', 'Learned from 2 spam and 2 ham; the learner is active.' ),
			),
			WP_CLI::$calls
		);
		$this->assertCount( 4, $GLOBALS['spamgate_test']['requests'] ); // Batch size 1: the last batch is empty, the status comes from GET /spamgate/model.
	}

	public function test_train_fails_with_the_reason() {
		self::history( array( array( 403, 'bad secret' ) ) );
		$this->expectException( RuntimeException::class );
		$this->expectExceptionMessage( 'Training stopped after 0 ham and 0 spam comments: spamgate refused the request (HTTP 403): bad secret' );
		( new Spamgate_CLI_Command() )->train( array(), array() );
	}

	public function test_a_bad_batch_size_is_refused_before_anything_is_sent() {
		$this->expectException( RuntimeException::class );
		$this->expectExceptionMessage( 'The batch size must be 1 to 500.' );
		( new Spamgate_CLI_Command() )->train( array(), array( 'batch' => '501' ) );
	}
}
