<?php
/**
 * spamgate: `wp spamgate train`, the settings screen's training button for
 * the command line. Loaded by spamgate.php under WP-CLI only.
 *
 * @package spamgate
 */

if ( ! class_exists( 'WP_CLI' ) ) {
	return;
}

/**
 * Talks to spamgate from the command line.
 */
class Spamgate_CLI_Command {

	/**
	 * Trains spamgate's learner from this site's comments.
	 *
	 * Sends the approved comments as ham, then the spam folder as spam, in
	 * batches, oldest first. Sending a comment again replaces what spamgate
	 * holds for it. Prints the learner's status at the end.
	 *
	 * ## OPTIONS
	 *
	 * [--batch=<number>]
	 * : Comments per request (1 to 500).
	 * ---
	 * default: 200
	 * ---
	 *
	 * ## EXAMPLES
	 *
	 *     wp spamgate train
	 *
	 * @param array $args       Positional arguments (none).
	 * @param array $assoc_args Options: batch.
	 * @return void
	 */
	public function train( $args, $assoc_args ) {
		$limit = isset( $assoc_args['batch'] ) ? (int) $assoc_args['batch'] : SPAMGATE_TRAIN_BATCH;
		if ( $limit < 1 || $limit > SPAMGATE_TRAIN_MAX ) {
			/* translators: %d: the largest batch size. */
			WP_CLI::error( sprintf( __( 'The batch size must be 1 to %d.', 'spamgate' ), SPAMGATE_TRAIN_MAX ) );
		}
		$total    = spamgate_train_total( 'ham' ) + spamgate_train_total( 'spam' );
		$progress = \WP_CLI\Utils\make_progress_bar( __( 'Training spamgate', 'spamgate' ), $total );
		$result   = spamgate_train_all(
			$limit,
			function ( $step ) use ( $progress ) {
				if ( $step['sent'] > 0 ) {
					$progress->tick( $step['sent'] );
				}
			}
		);
		$progress->finish();
		if ( '' !== $result['error'] ) {
			WP_CLI::error( spamgate_train_result_line( $result ) );
		}
		WP_CLI::success( spamgate_train_result_line( $result ) );
		WP_CLI::log( spamgate_model_status_line( $result['model'] ) );
	}
}

WP_CLI::add_command( 'spamgate', 'Spamgate_CLI_Command' );
