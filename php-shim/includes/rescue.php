<?php
/**
 * spamgate: rescuing what spamgate blocked ("Not spam") and confirming it
 * ("Confirm spam"). A blocked comment becomes a WordPress comment again,
 * once however often "Not spam" is clicked (a database lock per submission
 * makes a second click wait, then find the first one's comment), then
 * spamgate records the decision; a contact message is mailed by spamgate
 * itself, a form plugin's message as the form would have mailed it
 * (includes/review-forms.php). WordPress's acceptance rules
 * (includes/rescue-checks.php) apply unless the owner overrides them. Used
 * by the Blocked by spamgate screen (includes/review-screen.php); it shows
 * nothing itself.
 *
 * @package spamgate
 */

/**
 * The most submissions one bulk action decides.
 */
define( 'SPAMGATE_REVIEW_MAX_BULK', 100 );

/**
 * How rescued comments are stored: 'pending' (default) or 'approved'
 * (option spamgate_rescue_status, set on Settings > spamgate).
 *
 * @return string
 */
function spamgate_rescue_status() {
	return 'approved' === get_option( 'spamgate_rescue_status' ) ? 'approved' : 'pending';
}

/**
 * The WordPress comment fields of a blocked comment, as wp_insert_comment()
 * takes them (unslashed): its post, parent, author, text, IP address and
 * user agent, the time it was sent (in GMT and in the site's timezone),
 * and the comment meta that ties it to the submission.
 *
 * @param array  $item     From Spamgate_Api_Answers::submission().
 * @param string $approved comment_approved: '0' (pending) or '1' (approved).
 * @return array
 */
function spamgate_review_comment_fields( array $item, $approved ) {
	return array(
		'comment_post_ID'      => (int) $item['post_id'],
		'comment_parent'       => null === $item['parent'] ? 0 : max( 0, (int) $item['parent'] ),
		'comment_author'       => $item['author'],
		'comment_author_email' => $item['email'],
		'comment_author_url'   => $item['url'],
		'comment_content'      => $item['body'],
		'comment_author_IP'    => $item['ip'],
		'comment_agent'        => $item['user_agent'],
		'comment_date_gmt'     => gmdate( 'Y-m-d H:i:s', $item['created_at'] ),
		'comment_date'         => wp_date( 'Y-m-d H:i:s', $item['created_at'] ),
		'comment_approved'     => '1' === (string) $approved ? '1' : '0',
		'comment_type'         => 'comment',
		'user_id'              => 0,
		'comment_meta'         => array(
			'_spamgate_id'      => $item['id'],
			'_spamgate_outcome' => 'rescued',
		),
	);
}

/**
 * The WordPress comment already made from a submission (comment meta
 * _spamgate_id), in any status, or 0.
 *
 * @param string $id A submission id.
 * @return int
 */
function spamgate_review_find_comment( $id ) {
	$found = get_comments(
		array(
			'meta_key'                  => '_spamgate_id', // phpcs:ignore WordPress.DB.SlowDBQuery
			'meta_value'                => $id, // phpcs:ignore WordPress.DB.SlowDBQuery
			'status'                    => 'any',
			'fields'                    => 'ids',
			'number'                    => 1,
			'orderby'                   => 'comment_ID',
			'order'                     => 'ASC',
			'no_found_rows'             => true,
			'update_comment_meta_cache' => false,
		)
	);
	return empty( $found ) ? 0 : (int) reset( $found );
}

/**
 * Takes the database's named lock for rescuing one submission, so that two
 * clicks at once cannot both insert a comment: the second waits, then finds
 * the first one's comment. Databases without GET_LOCK go on unlocked.
 *
 * @param string $id A submission id.
 * @return string|false The lock's name ('' when the database has no locks), or false when another request holds it.
 */
function spamgate_review_lock( $id ) {
	global $wpdb;
	if ( ! is_object( $wpdb ) ) {
		return '';
	}
	$name = 'spamgate_rescue_' . $id;
	$got  = $wpdb->get_var( $wpdb->prepare( 'SELECT GET_LOCK(%s, %d)', $name, 15 ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
	if ( null === $got ) {
		return '';
	}
	return '1' === (string) $got ? $name : false;
}

/**
 * Releases a lock from spamgate_review_lock().
 *
 * @param string $name The lock's name, or ''.
 * @return void
 */
function spamgate_review_unlock( $name ) {
	global $wpdb;
	if ( '' !== $name && is_object( $wpdb ) ) {
		$wpdb->query( $wpdb->prepare( 'SELECT RELEASE_LOCK(%s)', $name ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
	}
}

/**
 * Runs $work( $out ) holding the database's named lock for rescuing one
 * submission (spamgate_review_lock()), so that two clicks at once cannot
 * both rescue it: the second waits, then finds what the first one did.
 *
 * @param string   $id   A submission id.
 * @param array    $out  The answer so far, with an 'error' key.
 * @param callable $work Does the rescue; takes and returns the answer.
 * @return array $work's answer, or $out with an error when another request holds the lock.
 */
function spamgate_review_locked( $id, array $out, callable $work ) {
	$lock = spamgate_review_lock( $id );
	if ( false === $lock ) {
		$out['error'] = __( 'Another request is rescuing this submission right now; reload the page in a moment.', 'spamgate' );
		return $out;
	}
	try {
		return $work( $out );
	} finally {
		spamgate_review_unlock( (string) $lock );
	}
}

/**
 * Makes a blocked comment a WordPress comment again, or finds the one an
 * earlier rescue made. The text goes through WordPress's own comment
 * filters, and through kses as for any visitor (the moderator clicking may
 * post unfiltered HTML; the commenter may not). A parent comment that is
 * gone or on another post is dropped (the rescued comment is top-level).
 * WordPress's own acceptance rules apply (spamgate_rescue_check()) unless
 * the owner overrides them explicitly; a refusal says so ('overridable').
 *
 * @param array $item     From Spamgate_Api_Answers::submission(), kind 'comment'.
 * @param bool  $override True when the owner chose "Restore anyway".
 * @return array array( 'comment_id' => int, 'created' => bool, 'overridable' => bool, 'error' => '' or a reason ).
 */
function spamgate_review_restore_comment( array $item, $override = false ) {
	$out = array(
		'comment_id'  => 0,
		'created'     => false,
		'overridable' => false,
		'error'       => '',
	);
	return spamgate_review_locked(
		$item['id'],
		$out,
		function ( array $out ) use ( $item, $override ) {
			$out['comment_id'] = spamgate_review_find_comment( $item['id'] );
			if ( $out['comment_id'] > 0 ) {
				return $out;
			}
			if ( null === $item['post_id'] || $item['post_id'] <= 0 ) {
				$out['error'] = __( 'spamgate does not know which post this comment was written for, so it was not restored.', 'spamgate' );
				return $out;
			}
			$post = get_post( $item['post_id'] );
			if ( ! $post ) {
				$out['error'] = sprintf(
					/* translators: %d: post ID. */
					__( 'The post this comment was written for (ID %d) no longer exists, so the comment was not restored.', 'spamgate' ),
					(int) $item['post_id']
				);
				return $out;
			}
			if ( 'trash' === $post->post_status ) {
				$out['error'] = sprintf(
					/* translators: %d: post ID. */
					__( 'The post this comment was written for (ID %d) is in the trash. Restore the post, then rescue the comment.', 'spamgate' ),
					(int) $item['post_id']
				);
				return $out;
			}
			$fields = spamgate_review_comment_fields( $item, 'approved' === spamgate_rescue_status() ? '1' : '0' );
			if ( $fields['comment_parent'] > 0 ) {
				$parent = get_comment( $fields['comment_parent'] );
				if ( ! $parent || (int) $parent->comment_post_ID !== $fields['comment_post_ID'] ) {
					$fields['comment_parent'] = 0;
				}
			}
			$fields['comment_content'] = wp_kses( $fields['comment_content'], 'pre_comment_content' );
			$accepted                  = $override ? true : spamgate_rescue_check( $post, $fields );
			if ( is_wp_error( $accepted ) ) {
				$out['error']       = $accepted->get_error_message();
				$out['overridable'] = true;
				return $out;
			}
			$comment_id = wp_insert_comment( wp_filter_comment( wp_slash( $fields ) ) );
			if ( ! $comment_id ) {
				$out['error'] = __( 'WordPress could not save the comment.', 'spamgate' );
				return $out;
			}
			$out['comment_id'] = (int) $comment_id;
			$out['created']    = true;
			return $out;
		}
	);
}

/**
 * Decides one submission: "ham" rescues it (a comment is restored into
 * WordPress first; a contact message is mailed by spamgate; a form
 * plugin's message is mailed first, as the form would have mailed it and
 * only once, so a failure leaves it listed to retry), "spam" confirms
 * spamgate's verdict.
 * spamgate records and learns from both.
 *
 * @param string $id       A submission id.
 * @param string $decision 'ham' or 'spam'.
 * @param bool   $override True to restore a comment WordPress's rules refuse ("Restore anyway").
 * @return array array( 'id', 'decision', 'kind', 'comment_id', 'created', 'mailed', 'overridable', 'error' => '' or a reason ).
 */
function spamgate_review_decide( $id, $decision, $override = false ) {
	$result = array(
		'id'          => (string) $id,
		'decision'    => $decision,
		'kind'        => '',
		'comment_id'  => 0,
		'created'     => false,
		'mailed'      => false,
		'overridable' => false,
		'error'       => '',
	);
	if ( ! Spamgate_Api_Answers::is_submission_id( $id ) ) {
		$result['error'] = __( 'This is not a spamgate submission id.', 'spamgate' );
		return $result;
	}
	if ( 'spam' === $decision ) {
		$answer          = Spamgate_Api::decide( $id, 'spam' );
		$result['kind']  = null === $answer['data'] || null === $answer['data']['item'] ? '' : $answer['data']['item']['kind'];
		$result['error'] = $answer['error'];
		return $result;
	}
	if ( 'ham' !== $decision ) {
		$result['error'] = __( 'Unknown decision.', 'spamgate' );
		return $result;
	}
	$fetched = Spamgate_Api::submission( $id );
	if ( '' !== $fetched['error'] ) {
		$result['error'] = $fetched['error'];
		return $result;
	}
	$item           = $fetched['data'];
	$result['kind'] = $item['kind'];
	if ( 'comment' === $item['kind'] ) {
		$restored              = spamgate_review_restore_comment( $item, $override );
		$result['comment_id']  = $restored['comment_id'];
		$result['created']     = $restored['created'];
		$result['overridable'] = $restored['overridable'];
		if ( '' !== $restored['error'] ) {
			$result['error'] = $restored['error'];
			return $result;
		}
	} elseif ( 'contact' !== $item['kind'] && 'form' !== $item['kind'] ) {
		/* translators: %s: the kind of submission spamgate reported. */
		$result['error'] = sprintf( __( 'spamgate reported a kind of submission this plugin cannot rescue: "%s".', 'spamgate' ), $item['kind'] );
		return $result;
	}
	if ( 'form' === $item['kind'] ) {
		$mailed           = spamgate_review_mail_form( $item );
		$result['mailed'] = $mailed['mailed'];
		if ( '' !== $mailed['error'] ) {
			$result['error'] = $mailed['error'];
			return $result;
		}
	}
	$answer           = Spamgate_Api::decide( $id, 'ham', $result['comment_id'] );
	$result['mailed'] = $result['mailed'] || ( null !== $answer['data'] && $answer['data']['mailed'] );
	if ( '' !== $answer['error'] && $result['comment_id'] > 0 ) {
		$result['error'] = sprintf(
			/* translators: 1: comment ID, 2: the reason. */
			__( 'The comment is back in WordPress (ID %1$d), but spamgate did not record the decision: %2$s Click "Not spam" again to retry; no second comment is made.', 'spamgate' ),
			$result['comment_id'],
			$answer['error']
		);
	} else {
		$result['error'] = $answer['error'];
	}
	return $result;
}

/**
 * Decides several submissions the same way (a bulk action), at most
 * SPAMGATE_REVIEW_MAX_BULK, each id once.
 *
 * @param array  $ids      Submission ids.
 * @param string $decision 'ham' or 'spam'.
 * @return array List of spamgate_review_decide() results.
 */
function spamgate_review_decide_many( array $ids, $decision ) {
	$results = array();
	foreach ( array_slice( array_values( array_unique( $ids ) ), 0, SPAMGATE_REVIEW_MAX_BULK ) as $id ) {
		$results[] = spamgate_review_decide( $id, $decision );
	}
	return $results;
}
