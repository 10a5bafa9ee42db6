<?php
/**
 * spamgate: trains spamgate's learner from the site's history. Approved
 * comments go to POST /spamgate/train as ham, the spam folder as spam, in
 * batches ordered by comment ID. The settings screen (button and no-JS
 * form), its AJAX handler and `wp spamgate train` all run these functions.
 * Loaded on every request: WP-CLI is not is_admin().
 *
 * @package spamgate
 */

/**
 * Comments per batch unless told otherwise.
 */
define( 'SPAMGATE_TRAIN_BATCH', 200 );

/**
 * The most items spamgate takes in one POST /spamgate/train.
 */
define( 'SPAMGATE_TRAIN_MAX', 500 );

/**
 * The get_comments() arguments for one batch of a training phase: real
 * comments only (type comment, which WordPress matches as '' or 'comment';
 * no pingbacks or trackbacks), oldest first.
 *
 * @param string $status 'ham' (approved comments) or 'spam' (the spam folder).
 * @param int    $offset Comments to skip.
 * @param int    $limit  Comments to read.
 * @return array
 */
function spamgate_train_query_args( $status, $offset, $limit ) {
	$args = array(
		'status'                    => 'spam' === $status ? 'spam' : 'approve',
		'type'                      => 'comment',
		'orderby'                   => 'comment_ID',
		'order'                     => 'ASC',
		'number'                    => (int) $limit,
		'offset'                    => (int) $offset,
		'update_comment_meta_cache' => false,
	);
	if ( 'spam' === $status ) {
		// Labels come from people only: a comment in the spam folder because
		// spamgate held it (and nobody reviewed it) is spamgate's own verdict.
		// The owner's own "spam" clicks reach spamgate as feedback anyway.
		$args['meta_query'] = array( // phpcs:ignore WordPress.DB.SlowDBQuery
			'relation' => 'OR',
			array(
				'key'     => '_spamgate_outcome',
				'compare' => 'NOT EXISTS',
			),
			array(
				'key'     => '_spamgate_outcome',
				'value'   => array( 'hold', 'bypass' ),
				'compare' => 'NOT IN',
			),
		);
	}
	return $args;
}

/**
 * How many comments a training phase holds.
 *
 * @param string $status 'ham' or 'spam'.
 * @return int
 */
function spamgate_train_total( $status ) {
	$args = spamgate_train_query_args( $status, 0, 0 );
	unset( $args['number'], $args['offset'], $args['orderby'], $args['order'] );
	$args['count'] = true;
	return (int) get_comments( $args );
}

/**
 * One item of POST /spamgate/train's "items" list.
 *
 * @param object $comment  A WP_Comment (or an object with its fields).
 * @param string $decision 'ham' or 'spam'.
 * @return array
 */
function spamgate_train_item( $comment, $decision ) {
	return array(
		'decision'   => $decision,
		'comment_id' => (int) $comment->comment_ID,
		'author'     => (string) $comment->comment_author,
		'email'      => (string) $comment->comment_author_email,
		'url'        => (string) $comment->comment_author_url,
		'ip'         => (string) $comment->comment_author_IP,
		'body'       => (string) $comment->comment_content,
		'kind'       => 'comment',
	);
}

/**
 * Asks spamgate for the learner's status (GET /spamgate/model).
 *
 * @return array array( 'model' => from Spamgate_Api_Answers::model() or null, 'error' => '' or a reason ).
 */
function spamgate_model_status() {
	$answer = Spamgate_Api::model();
	return array(
		'model' => $answer['data'],
		'error' => $answer['error'],
	);
}

/**
 * The one-line summary of the learner's status.
 *
 * @param array|null $model From Spamgate_Api_Answers::model(), or null when unknown.
 * @return string Plain text.
 */
function spamgate_model_status_line( $model ) {
	if ( ! is_array( $model ) ) {
		return __( 'The learner\'s status is not available right now.', 'spamgate' );
	}
	if ( $model['active'] ) {
		return sprintf(
			/* translators: 1: spam comments learned from, 2: ham (good) comments learned from. */
			__( 'Learned from %1$d spam and %2$d ham; the learner is active.', 'spamgate' ),
			$model['spam'],
			$model['ham']
		);
	}
	return sprintf(
		/* translators: 1: spam comments learned from, 2: ham (good) comments learned from, 3: how many of each it needs. */
		__( 'Learned from %1$d spam and %2$d ham; the learner acts once it has %3$d of each.', 'spamgate' ),
		$model['spam'],
		$model['ham'],
		$model['min_per_class']
	);
}

/**
 * Sends one batch of a training phase: up to $limit comments from $offset
 * on, oldest first, to POST /spamgate/train. A phase with nothing left is
 * done without a request. On an error nothing advances; the same call can
 * be repeated (spamgate replaces what it already holds for a comment).
 *
 * @param string $status 'ham' (approved comments) or 'spam' (the spam folder).
 * @param int    $offset Comments of the phase already sent.
 * @param int    $limit  Comments per batch, 1 to SPAMGATE_TRAIN_MAX.
 * @return array array( 'status', 'sent', 'stored', 'replaced', 'next_offset', 'done', 'model' => array|null, 'error' => '' or a reason ).
 */
function spamgate_train_batch( $status, $offset, $limit = SPAMGATE_TRAIN_BATCH ) {
	$offset = max( 0, (int) $offset );
	$limit  = min( SPAMGATE_TRAIN_MAX, max( 1, (int) $limit ) );
	$batch  = array(
		'status'      => $status,
		'sent'        => 0,
		'stored'      => 0,
		'replaced'    => 0,
		'next_offset' => $offset,
		'done'        => false,
		'model'       => null,
		'error'       => '',
	);
	if ( 'ham' !== $status && 'spam' !== $status ) {
		$batch['error'] = __( 'Unknown training phase.', 'spamgate' );
		return $batch;
	}
	$items = array();
	foreach ( (array) get_comments( spamgate_train_query_args( $status, $offset, $limit ) ) as $comment ) {
		$items[] = spamgate_train_item( $comment, $status );
	}
	if ( empty( $items ) ) {
		$batch['done'] = true;
		return $batch;
	}
	$answer = Spamgate_Api::train( $items );
	if ( '' !== $answer['error'] ) {
		$batch['error'] = $answer['error'];
		return $batch;
	}
	$batch['sent']        = count( $items );
	$batch['stored']      = $answer['data']['stored'];
	$batch['replaced']    = $answer['data']['replaced'];
	$batch['next_offset'] = $offset + count( $items );
	$batch['done']        = count( $items ) < $limit;
	$batch['model']       = $answer['data']['model'];
	return $batch;
}

/**
 * Where training goes on after a batch: the same phase further on, the spam
 * folder after the approved comments, or nowhere (null) after the spam
 * folder. A failed batch is repeated.
 *
 * @param string $phase The batch's phase, 'ham' or 'spam'.
 * @param array  $batch From spamgate_train_batch().
 * @return array|null array( 'phase' => 'ham'|'spam', 'offset' => n ), or null when training is over.
 */
function spamgate_train_next( $phase, array $batch ) {
	if ( '' !== $batch['error'] || ! $batch['done'] ) {
		return array(
			'phase'  => $phase,
			'offset' => $batch['next_offset'],
		);
	}
	if ( 'ham' === $phase ) {
		return array(
			'phase'  => 'spam',
			'offset' => 0,
		);
	}
	return null;
}

/**
 * One step of training: a batch, where to go on ('next', null when over),
 * and after the last batch the learner's status (asked for when the last
 * batch did not bring it).
 *
 * @param string $phase  'ham' or 'spam'.
 * @param int    $offset Comments of the phase already sent.
 * @param int    $limit  Comments per batch.
 * @return array spamgate_train_batch()'s array plus 'next'.
 */
function spamgate_train_step( $phase, $offset, $limit = SPAMGATE_TRAIN_BATCH ) {
	$step         = spamgate_train_batch( $phase, $offset, $limit );
	$step['next'] = '' === $step['error'] ? spamgate_train_next( $phase, $step ) : null;
	if ( '' === $step['error'] && null === $step['next'] && null === $step['model'] ) {
		$status        = spamgate_model_status();
		$step['model'] = $status['model'];
	}
	return $step;
}

/**
 * Trains from the whole history in one go: every batch of approved
 * comments, then of the spam folder. Stops at the first error.
 *
 * @param int           $limit    Comments per batch.
 * @param callable|null $on_batch Called after each batch with the step (progress).
 * @return array array( 'ham' => sent, 'spam' => sent, 'model' => array|null, 'error' => '' or a reason ).
 */
function spamgate_train_all( $limit = SPAMGATE_TRAIN_BATCH, $on_batch = null ) {
	$result = array(
		'ham'   => 0,
		'spam'  => 0,
		'model' => null,
		'error' => '',
	);
	$next   = array(
		'phase'  => 'ham',
		'offset' => 0,
	);
	while ( null !== $next ) {
		$step                      = spamgate_train_step( $next['phase'], $next['offset'], $limit );
		$result[ $next['phase'] ] += $step['sent'];
		if ( null !== $step['model'] ) {
			$result['model'] = $step['model'];
		}
		if ( null !== $on_batch ) {
			call_user_func( $on_batch, $step );
		}
		if ( '' !== $step['error'] ) {
			$result['error'] = $step['error'];
			break;
		}
		$next = $step['next'];
	}
	return $result;
}

/**
 * The message after training: counts, or where it stopped and why.
 *
 * @param array $result From spamgate_train_all().
 * @return string Plain text.
 */
function spamgate_train_result_line( array $result ) {
	if ( '' !== $result['error'] ) {
		return sprintf(
			/* translators: 1: approved comments sent, 2: spam comments sent, 3: the reason. */
			__( 'Training stopped after %1$d ham and %2$d spam comments: %3$s', 'spamgate' ),
			$result['ham'],
			$result['spam'],
			$result['error']
		);
	}
	return sprintf(
		/* translators: 1: approved comments sent, 2: spam comments sent. */
		__( 'Trained spamgate with %1$d ham and %2$d spam comments.', 'spamgate' ),
		$result['ham'],
		$result['spam']
	);
}
