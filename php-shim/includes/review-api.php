<?php
/**
 * spamgate: reviewing what spamgate blocked. The calls to spamgate's
 * /spamgate/submissions API (list, one item, a decision), the checks of its
 * answers, and the rescue of a blocked comment: the item becomes a WordPress
 * comment again (once, however often "Not spam" is clicked), then spamgate
 * records the decision. A contact message rescued as ham is mailed by
 * spamgate itself. Used by the "Blocked by spamgate" screen
 * (includes/review-screen.php).
 *
 * @package spamgate
 */

/**
 * Submissions per page on the screen (spamgate allows up to 100).
 */
define( 'SPAMGATE_REVIEW_PER_PAGE', 20 );

/**
 * The most submissions one bulk action decides.
 */
define( 'SPAMGATE_REVIEW_MAX_BULK', 100 );

/**
 * True for a submission id as spamgate makes them: 16 lower-case hex digits.
 *
 * @param mixed $id Anything.
 * @return bool
 */
function spamgate_is_submission_id( $id ) {
	return is_string( $id ) && 1 === preg_match( '/^[0-9a-f]{16}$/', $id );
}

/**
 * A string field of a decoded JSON object: '' when missing, null or not scalar.
 *
 * @param array  $data The object.
 * @param string $key  The field.
 * @return string
 */
function spamgate_json_string( array $data, $key ) {
	return isset( $data[ $key ] ) && is_scalar( $data[ $key ] ) ? (string) $data[ $key ] : '';
}

/**
 * An integer field of a decoded JSON object that may be null.
 *
 * @param array  $data The object.
 * @param string $key  The field.
 * @return int|null
 */
function spamgate_json_int_or_null( array $data, $key ) {
	return isset( $data[ $key ] ) && is_numeric( $data[ $key ] ) ? (int) $data[ $key ] : null;
}

/**
 * Validates one submission (ITEM) of spamgate's API and gives it a fixed
 * shape: every field present, strings as strings, post_id, parent,
 * decision and decided_at null when absent; a form plugin's submission
 * (kind 'form') also has its form (spamgate's "form": {name, id,
 * container} as form_name: the preset, e.g. cf7; form_id; form_page: the
 * post it was shown on) and every field it sent ("fields").
 *
 * @param mixed $data The decoded JSON object.
 * @return array|null The item, or null when it has no valid id.
 */
function spamgate_parse_submission( $data ) {
	if ( ! is_array( $data ) || ! isset( $data['id'] ) || ! spamgate_is_submission_id( $data['id'] ) ) {
		return null;
	}
	$hits = array();
	if ( isset( $data['hits'] ) && is_array( $data['hits'] ) ) {
		foreach ( $data['hits'] as $hit ) {
			if ( ! is_array( $hit ) || '' === spamgate_json_string( $hit, 'rule' ) ) {
				continue;
			}
			$hits[] = array(
				'rule'        => spamgate_json_string( $hit, 'rule' ),
				'score'       => isset( $hit['score'] ) && is_numeric( $hit['score'] ) ? (float) $hit['score'] : 0.0,
				'detail'      => spamgate_json_string( $hit, 'detail' ),
				'description' => spamgate_json_string( $hit, 'description' ),
			);
		}
	}
	$action   = spamgate_json_string( $data, 'action' );
	$decision = spamgate_json_string( $data, 'decision' );
	$form     = isset( $data['form'] ) && is_array( $data['form'] ) ? $data['form'] : array();
	return array(
		'id'         => $data['id'],
		'created_at' => (int) spamgate_json_int_or_null( $data, 'created_at' ),
		'endpoint'   => spamgate_json_string( $data, 'endpoint' ),
		'kind'       => preg_replace( '/[^a-z_]/', '', spamgate_json_string( $data, 'kind' ) ),
		'ip'         => spamgate_json_string( $data, 'ip' ),
		'user_agent' => spamgate_json_string( $data, 'user_agent' ),
		'action'     => in_array( $action, array( 'hold', 'reject', 'discard' ), true ) ? $action : '',
		'score'      => isset( $data['score'] ) && is_numeric( $data['score'] ) ? (float) $data['score'] : 0.0,
		'rules'      => spamgate_json_string( $data, 'rules' ),
		'hits'       => $hits,
		'author'     => spamgate_json_string( $data, 'author' ),
		'email'      => spamgate_json_string( $data, 'email' ),
		'url'        => spamgate_json_string( $data, 'url' ),
		'subject'    => spamgate_json_string( $data, 'subject' ),
		'body'       => spamgate_json_string( $data, 'body' ),
		'post_id'    => spamgate_json_int_or_null( $data, 'post_id' ),
		'parent'     => spamgate_json_int_or_null( $data, 'parent' ),
		'decision'   => in_array( $decision, array( 'ham', 'spam' ), true ) ? $decision : null,
		'decided_at' => spamgate_json_int_or_null( $data, 'decided_at' ),
		'form_name'  => preg_replace( '/[^A-Za-z0-9_\-]/', '', spamgate_json_string( $form, 'name' ) ),
		'form_id'    => spamgate_json_string( $form, 'id' ),
		'form_page'  => spamgate_json_int_or_null( $form, 'container' ),
		'fields'     => spamgate_parse_form_fields( isset( $data['fields'] ) ? $data['fields'] : null ),
	);
}

/**
 * Validates GET /spamgate/submissions's answer: {items, total, page,
 * per_page, reasons: [{rule, description, count}], not_kept: [{ip, count}]}.
 *
 * @param string $json The response body.
 * @return array|null array( 'items', 'total', 'page', 'per_page', 'reasons', 'not_kept' ), or null when malformed.
 */
function spamgate_parse_submission_list( $json ) {
	$data = json_decode( (string) $json, true );
	if ( ! is_array( $data ) || ! isset( $data['items'] ) || ! is_array( $data['items'] ) ) {
		return null;
	}
	$items = array();
	foreach ( $data['items'] as $raw ) {
		$item = spamgate_parse_submission( $raw );
		if ( null === $item ) {
			return null;
		}
		$items[] = $item;
	}
	$reasons = array();
	if ( isset( $data['reasons'] ) && is_array( $data['reasons'] ) ) {
		foreach ( $data['reasons'] as $reason ) {
			if ( is_array( $reason ) && '' !== spamgate_json_string( $reason, 'rule' ) ) {
				$reasons[] = array(
					'rule'        => spamgate_json_string( $reason, 'rule' ),
					'description' => spamgate_json_string( $reason, 'description' ),
					'count'       => isset( $reason['count'] ) ? (int) $reason['count'] : 0,
				);
			}
		}
	}
	$not_kept = array();
	foreach ( isset( $data['not_kept'] ) && is_array( $data['not_kept'] ) ? $data['not_kept'] : array() as $dropped ) {
		if ( is_array( $dropped ) && '' !== spamgate_json_string( $dropped, 'ip' ) && isset( $dropped['count'] ) && (int) $dropped['count'] > 0 ) {
			$not_kept[] = array( 'ip' => spamgate_json_string( $dropped, 'ip' ), 'count' => (int) $dropped['count'] );
		}
	}
	return array(
		'not_kept' => $not_kept,
		'items'    => $items,
		'total'    => isset( $data['total'] ) && is_numeric( $data['total'] ) ? max( 0, (int) $data['total'] ) : count( $items ),
		'page'     => isset( $data['page'] ) && is_numeric( $data['page'] ) ? max( 1, (int) $data['page'] ) : 1,
		'per_page' => isset( $data['per_page'] ) && is_numeric( $data['per_page'] ) ? max( 1, (int) $data['per_page'] ) : SPAMGATE_REVIEW_PER_PAGE,
		'reasons'  => $reasons,
	);
}

/**
 * The path of GET /spamgate/submissions with its query: only the
 * parameters spamgate knows, empty ones left out, values URL-encoded.
 *
 * @param array $args Any of action, rule, since, q, page, per_page, kind, form, held_comments, decided.
 * @return string e.g. /spamgate/submissions?held_comments=exclude&page=2.
 */
function spamgate_submissions_path( array $args ) {
	$query = array();
	foreach ( array( 'action', 'rule', 'since', 'q', 'page', 'per_page', 'kind', 'form', 'held_comments', 'decided' ) as $key ) {
		if ( isset( $args[ $key ] ) && is_scalar( $args[ $key ] ) && '' !== (string) $args[ $key ] ) {
			$query[ $key ] = (string) $args[ $key ];
		}
	}
	return '/spamgate/submissions' . ( empty( $query ) ? '' : '?' . http_build_query( $query, '', '&', PHP_QUERY_RFC3986 ) );
}

/**
 * The reason of a failed API call: spamgate unreachable, or its status and
 * plain-text reason.
 *
 * @param array $result From spamgate_api_request().
 * @return string
 */
function spamgate_review_failure( array $result ) {
	return '' !== $result['error'] ? $result['error'] : spamgate_refusal_reason( $result );
}

/**
 * Asks spamgate for one page of blocked submissions.
 *
 * @param array $args For spamgate_submissions_path().
 * @return array array( 'list' => from spamgate_parse_submission_list() or null, 'error' => '' or a reason ).
 */
function spamgate_review_fetch_list( array $args ) {
	$result = spamgate_api_request( 'GET', spamgate_submissions_path( $args ), null, 5 );
	if ( 200 !== $result['status'] ) {
		return array(
			'list'  => null,
			'error' => spamgate_review_failure( $result ),
		);
	}
	$list = spamgate_parse_submission_list( $result['body'] );
	return array(
		'list'  => $list,
		'error' => null === $list ? __( 'spamgate answered with something that is not a list of submissions.', 'spamgate' ) : '',
	);
}

/**
 * Asks spamgate for one submission (GET /spamgate/submissions/{id}).
 *
 * @param string $id A submission id.
 * @return array array( 'item' => from spamgate_parse_submission() or null, 'error' => '' or a reason ).
 */
function spamgate_review_fetch_item( $id ) {
	$result = spamgate_api_request( 'GET', '/spamgate/submissions/' . rawurlencode( $id ), null, 5 );
	if ( 404 === $result['status'] ) {
		return array(
			'item'  => null,
			'error' => spamgate_review_not_found( $result ),
		);
	}
	if ( 200 !== $result['status'] ) {
		return array(
			'item'  => null,
			'error' => spamgate_review_failure( $result ),
		);
	}
	$item = spamgate_parse_submission( json_decode( $result['body'], true ) );
	return array(
		'item'  => $item,
		'error' => null === $item ? __( 'spamgate answered with something that is not a submission.', 'spamgate' ) : '',
	);
}

/**
 * The message for a 404 on a submission: unknown, or deleted after
 * spamgate's retention period, with spamgate's own reason.
 *
 * @param array $result From spamgate_api_request().
 * @return string
 */
function spamgate_review_not_found( array $result ) {
	$reason = trim( (string) strtok( trim( $result['body'] ), "\r\n" ) );
	$text   = __( 'spamgate no longer has this submission (unknown, or deleted after its retention period).', 'spamgate' );
	return '' === $reason ? $text : $text . ' ' . spamgate_cut_bytes( $reason, 300 );
}

/**
 * Records the owner's decision on a submission
 * (POST /spamgate/submissions/{id}/decision). spamgate learns from it and,
 * for a contact message rescued as ham, mails it to the owners.
 *
 * @param string $id         A submission id.
 * @param string $decision   'ham' or 'spam'.
 * @param int    $comment_id The WordPress comment recreated from it, or 0.
 * @return array array( 'previous' => null|'ham'|'spam', 'mailed' => bool, 'item' => array|null, 'error' => '' or a reason ).
 */
function spamgate_review_post_decision( $id, $decision, $comment_id = 0 ) {
	$answer  = array(
		'previous' => null,
		'mailed'   => false,
		'item'     => null,
		'error'    => '',
	);
	$payload = array( 'decision' => $decision );
	if ( $comment_id > 0 ) {
		$payload['comment_id'] = (int) $comment_id;
	}
	$result = spamgate_api_request( 'POST', '/spamgate/submissions/' . rawurlencode( $id ) . '/decision', $payload, 10 );
	if ( 404 === $result['status'] ) {
		$answer['error'] = spamgate_review_not_found( $result );
		return $answer;
	}
	if ( 200 !== $result['status'] ) {
		$answer['error'] = spamgate_review_failure( $result );
		return $answer;
	}
	$data = json_decode( $result['body'], true );
	if ( ! is_array( $data ) ) {
		$answer['error'] = __( 'spamgate recorded the decision but its answer was not understood.', 'spamgate' );
		return $answer;
	}
	$previous           = spamgate_json_string( $data, 'previous' );
	$answer['previous'] = in_array( $previous, array( 'ham', 'spam' ), true ) ? $previous : null;
	$answer['mailed']   = ! empty( $data['mailed'] );
	$answer['item']     = spamgate_parse_submission( isset( $data['item'] ) ? $data['item'] : null );
	return $answer;
}

/**
 * What spamgate did, for people.
 *
 * @param string $action hold, reject or discard.
 * @return string
 */
function spamgate_review_action_label( $action ) {
	$labels = array(
		'hold'    => __( 'Held', 'spamgate' ),
		'reject'  => __( 'Rejected', 'spamgate' ),
		'discard' => __( 'Discarded', 'spamgate' ),
	);
	return isset( $labels[ $action ] ) ? $labels[ $action ] : $action;
}

/**
 * The WordPress comment fields of a blocked comment, as wp_insert_comment()
 * takes them (unslashed): its post, parent, author, text, IP address and
 * user agent, the time it was sent (in GMT and in the site's timezone),
 * and the comment meta that ties it to the submission.
 *
 * @param array  $item     From spamgate_parse_submission().
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
 * @param array $item     From spamgate_parse_submission(), kind 'comment'.
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
	if ( ! spamgate_is_submission_id( $id ) ) {
		$result['error'] = __( 'This is not a spamgate submission id.', 'spamgate' );
		return $result;
	}
	if ( 'spam' === $decision ) {
		$answer          = spamgate_review_post_decision( $id, 'spam' );
		$result['kind']  = null === $answer['item'] ? '' : $answer['item']['kind'];
		$result['error'] = $answer['error'];
		return $result;
	}
	if ( 'ham' !== $decision ) {
		$result['error'] = __( 'Unknown decision.', 'spamgate' );
		return $result;
	}
	$fetched = spamgate_review_fetch_item( $id );
	if ( '' !== $fetched['error'] ) {
		$result['error'] = $fetched['error'];
		return $result;
	}
	$item           = $fetched['item'];
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
	$answer           = spamgate_review_post_decision( $id, 'ham', $result['comment_id'] );
	$result['mailed'] = $result['mailed'] || $answer['mailed'];
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

/**
 * The notices after decisions: one success notice with what was done, one
 * error notice with what failed and why. Plain text lines; the error notice
 * lists in 'override' the ids WordPress's rules refused, which the owner may
 * restore anyway.
 *
 * @param array  $results From spamgate_review_decide_many().
 * @param string $status  How rescued comments were stored: 'pending' or 'approved'.
 * @return array List of array( 'type' => 'success'|'error', 'lines' => list of strings[, 'override' => ids] ).
 */
function spamgate_review_result_notices( array $results, $status ) {
	$comments = 0;
	$contacts = 0;
	$forms    = 0;
	$unmailed = 0;
	$spam     = 0;
	$failures = array();
	$override = array();
	foreach ( $results as $result ) {
		if ( '' !== $result['error'] ) {
			/* translators: 1: submission id, 2: the reason. */
			$failures[] = sprintf( __( '%1$s: %2$s', 'spamgate' ), $result['id'], $result['error'] );
			if ( ! empty( $result['overridable'] ) ) {
				$override[] = $result['id'];
			}
		} elseif ( 'spam' === $result['decision'] ) {
			++$spam;
		} elseif ( 'contact' === $result['kind'] ) {
			++$contacts;
			$unmailed += $result['mailed'] ? 0 : 1;
		} elseif ( 'form' === $result['kind'] ) {
			++$forms;
			$unmailed += $result['mailed'] ? 0 : 1;
		} else {
			++$comments;
		}
	}
	$done = array();
	if ( $comments > 0 ) {
		$done[] = 'approved' === $status
			/* translators: %s: number of comments. */
			? sprintf( _n( '%s comment rescued and approved.', '%s comments rescued and approved.', $comments, 'spamgate' ), number_format_i18n( $comments ) )
			/* translators: %s: number of comments. */
			: sprintf( _n( '%s comment rescued; it waits in the Pending list.', '%s comments rescued; they wait in the Pending list.', $comments, 'spamgate' ), number_format_i18n( $comments ) );
	}
	if ( $contacts > 0 ) {
		/* translators: %s: number of contact messages. */
		$done[] = sprintf( _n( '%s contact message rescued; spamgate mails it to you.', '%s contact messages rescued; spamgate mails them to you.', $contacts, 'spamgate' ), number_format_i18n( $contacts ) );
	}
	if ( $forms > 0 ) {
		/* translators: %s: number of form messages. */
		$done[] = sprintf( _n( '%s form message rescued; it is mailed to you as the form would have mailed it.', '%s form messages rescued; they are mailed to you as the form would have mailed them.', $forms, 'spamgate' ), number_format_i18n( $forms ) );
	}
	if ( $unmailed > 0 ) {
		/* translators: %s: number of contact or form messages. */
		$done[] = sprintf( _n( 'No mail was queued for %s of them (one rescued before is mailed only once).', 'No mail was queued for %s of them (one rescued before is mailed only once).', $unmailed, 'spamgate' ), number_format_i18n( $unmailed ) );
	}
	if ( $spam > 0 ) {
		/* translators: %s: number of submissions. */
		$done[] = sprintf( _n( '%s submission confirmed as spam.', '%s submissions confirmed as spam.', $spam, 'spamgate' ), number_format_i18n( $spam ) );
	}
	$notices = array();
	if ( ! empty( $done ) ) {
		$notices[] = array(
			'type'  => 'success',
			'lines' => $done,
		);
	}
	if ( ! empty( $failures ) ) {
		array_unshift(
			$failures,
			/* translators: %s: number of submissions. */
			sprintf( _n( '%s submission could not be reviewed:', '%s submissions could not be reviewed:', count( $failures ), 'spamgate' ), number_format_i18n( count( $failures ) ) )
		);
		$notices[] = empty( $override ) ? array(
			'type'  => 'error',
			'lines' => $failures,
		) : array(
			'type'     => 'error',
			'lines'    => $failures,
			'override' => $override,
		);
	}
	if ( empty( $notices ) ) {
		$notices[] = array(
			'type'  => 'error',
			'lines' => array( __( 'No submissions were selected.', 'spamgate' ) ),
		);
	}
	return $notices;
}
