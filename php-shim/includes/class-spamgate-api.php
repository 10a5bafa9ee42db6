<?php
/**
 * spamgate: the plugin's client for spamgate's API, one method per
 * endpoint. Every call to spamgate goes through call(), which sends
 * "Authorization: Bearer SPAMGATE_SECRET", checks the status and has the
 * answer checked (Spamgate_Api_Answers) before anyone reads it. It never
 * logs the secret and never falls back to mail() or sendmail.
 *
 * Every method answers array( 'status' => HTTP status or 0 when spamgate
 * could not be reached, 'data' => the checked answer or null, 'error' =>
 * '' or a reason for people ).
 *
 * @package spamgate
 */

/**
 * spamgate's API.
 */
class Spamgate_Api {

	/**
	 * True when SPAMGATE_URL and SPAMGATE_SECRET are both defined and non-empty.
	 *
	 * @return bool
	 */
	public static function configured() {
		return defined( 'SPAMGATE_URL' ) && '' !== (string) SPAMGATE_URL
			&& defined( 'SPAMGATE_SECRET' ) && '' !== (string) SPAMGATE_SECRET;
	}

	/**
	 * POST /spamgate/notify: one mail for spamgate's outbox (202 when queued).
	 *
	 * @param array $payload {recipient, subject, text[, reply_to]}.
	 * @return array
	 */
	public static function notify( array $payload ) {
		return self::call( 'POST', '/spamgate/notify', $payload, 5, array( 'ok' => array( 202 ) ) );
	}

	/**
	 * POST /spamgate/feedback: the owner's decision on a comment.
	 *
	 * @param array $payload {decision, comment_id, submission_id, author, email, url, ip, body}.
	 * @return array
	 */
	public static function feedback( array $payload ) {
		return self::call( 'POST', '/spamgate/feedback', $payload, 3, array( 'ok' => range( 200, 299 ) ) );
	}

	/**
	 * GET /spamgate/stats?days=7: the counts of the last seven days.
	 *
	 * @return array 'data' from Spamgate_Api_Answers::stats().
	 */
	public static function stats() {
		return self::call(
			'GET',
			'/spamgate/stats?days=7',
			null,
			3,
			array(
				'answer'    => array( 'Spamgate_Api_Answers', 'stats' ),
				'malformed' => __( 'spamgate answered with something that is not its stats.', 'spamgate' ),
			)
		);
	}

	/**
	 * GET /spamgate/model: the learner's status.
	 *
	 * @return array 'data' from Spamgate_Api_Answers::model().
	 */
	public static function model() {
		return self::call(
			'GET',
			'/spamgate/model',
			null,
			5,
			array(
				'answer'    => array( 'Spamgate_Api_Answers', 'model' ),
				'malformed' => __( 'spamgate answered with something that is not the learner\'s status.', 'spamgate' ),
			)
		);
	}

	/**
	 * POST /spamgate/train: a batch of labelled comments.
	 *
	 * @param array $items Items of {decision, comment_id, author, email, url, ip, body, kind}.
	 * @return array 'data' from Spamgate_Api_Answers::trained().
	 */
	public static function train( array $items ) {
		return self::call(
			'POST',
			'/spamgate/train',
			array( 'items' => $items ),
			30,
			array(
				'answer'    => array( 'Spamgate_Api_Answers', 'trained' ),
				'malformed' => __( 'spamgate accepted the batch but its answer was not understood.', 'spamgate' ),
			)
		);
	}

	/**
	 * POST /spamgate/rules/try: what candidate rule lines would have done to
	 * the stored submissions (400: the lines' errors).
	 *
	 * @param string $lines Candidate rule lines.
	 * @return array 'data' from Spamgate_Api_Answers::rules_tried().
	 */
	public static function try_rules( $lines ) {
		return self::call(
			'POST',
			'/spamgate/rules/try',
			array( 'rules' => $lines ),
			30,
			array(
				'ok'        => array( 200, 400 ),
				'answer'    => array( 'Spamgate_Api_Answers', 'rules_tried' ),
				'malformed' => __( 'spamgate answered with something that is not a report on the rules.', 'spamgate' ),
			)
		);
	}

	/**
	 * GET /spamgate/submissions: one page of stored submissions.
	 *
	 * @param array $args For submissions_path().
	 * @return array 'data' from Spamgate_Api_Answers::submission_list().
	 */
	public static function submissions( array $args ) {
		return self::call(
			'GET',
			self::submissions_path( $args ),
			null,
			5,
			array(
				'answer'    => array( 'Spamgate_Api_Answers', 'submission_list' ),
				'malformed' => __( 'spamgate answered with something that is not a list of submissions.', 'spamgate' ),
			)
		);
	}

	/**
	 * GET /spamgate/submissions/{id}: one stored submission.
	 *
	 * @param string $id A submission id.
	 * @return array 'data' from Spamgate_Api_Answers::submission().
	 */
	public static function submission( $id ) {
		return self::call(
			'GET',
			'/spamgate/submissions/' . rawurlencode( $id ),
			null,
			5,
			array(
				'not_found' => true,
				'answer'    => array( 'Spamgate_Api_Answers', 'submission' ),
				'malformed' => __( 'spamgate answered with something that is not a submission.', 'spamgate' ),
			)
		);
	}

	/**
	 * POST /spamgate/submissions/{id}/decision: the owner's decision on a
	 * stored submission. spamgate learns from it and, for a contact message
	 * rescued as ham, mails it to the owners.
	 *
	 * @param string $id         A submission id.
	 * @param string $decision   'ham' or 'spam'.
	 * @param int    $comment_id The WordPress comment recreated from it, or 0.
	 * @return array 'data' from Spamgate_Api_Answers::decided().
	 */
	public static function decide( $id, $decision, $comment_id = 0 ) {
		$payload = array( 'decision' => $decision );
		if ( $comment_id > 0 ) {
			$payload['comment_id'] = (int) $comment_id;
		}
		return self::call(
			'POST',
			'/spamgate/submissions/' . rawurlencode( $id ) . '/decision',
			$payload,
			10,
			array(
				'not_found' => true,
				'answer'    => array( 'Spamgate_Api_Answers', 'decided' ),
				'malformed' => __( 'spamgate recorded the decision but its answer was not understood.', 'spamgate' ),
			)
		);
	}

	/**
	 * GET /spamgate/personal-data: what spamgate holds for an e-mail address.
	 *
	 * @param string $email The address.
	 * @return array 'data' from Spamgate_Api_Answers::personal_data().
	 */
	public static function personal_data( $email ) {
		return self::call(
			'GET',
			'/spamgate/personal-data?email=' . rawurlencode( $email ),
			null,
			10,
			array(
				'answer'    => array( 'Spamgate_Api_Answers', 'personal_data' ),
				'malformed' => __( 'its answer was not understood.', 'spamgate' ),
			)
		);
	}

	/**
	 * POST /spamgate/personal-data/erase: spamgate erases (and unlearns)
	 * what it holds for an e-mail address.
	 *
	 * @param string $email The address.
	 * @return array 'data' from Spamgate_Api_Answers::erased().
	 */
	public static function erase_personal_data( $email ) {
		return self::call(
			'POST',
			'/spamgate/personal-data/erase',
			array( 'email' => $email ),
			10,
			array(
				'answer'    => array( 'Spamgate_Api_Answers', 'erased' ),
				'malformed' => __( 'its answer was not understood.', 'spamgate' ),
			)
		);
	}

	/**
	 * The path of GET /spamgate/submissions with its query: only the
	 * parameters spamgate knows, empty ones left out, values URL-encoded.
	 *
	 * @param array $args Any of action, rule, since, q, page, per_page, kind, form, held_comments, decided.
	 * @return string e.g. /spamgate/submissions?held_comments=exclude&page=2.
	 */
	public static function submissions_path( array $args ) {
		$query = array();
		foreach ( array( 'action', 'rule', 'since', 'q', 'page', 'per_page', 'kind', 'form', 'held_comments', 'decided' ) as $key ) {
			if ( isset( $args[ $key ] ) && is_scalar( $args[ $key ] ) && '' !== (string) $args[ $key ] ) {
				$query[ $key ] = (string) $args[ $key ];
			}
		}
		return '/spamgate/submissions' . ( empty( $query ) ? '' : '?' . http_build_query( $query, '', '&', PHP_QUERY_RFC3986 ) );
	}

	/**
	 * The full URL of a spamgate API path under SPAMGATE_URL.
	 *
	 * @param string $base SPAMGATE_URL, e.g. http://127.0.0.1:8080 (a trailing slash is fine).
	 * @param string $path e.g. /spamgate/notify.
	 * @return string The URL.
	 */
	public static function url( $base, $path ) {
		return rtrim( (string) $base, '/' ) . '/' . ltrim( $path, '/' );
	}

	/**
	 * The reason of a refused request: its status and the first line of
	 * spamgate's plain-text answer, shortened.
	 *
	 * @param int    $status The HTTP status.
	 * @param string $body   The answer.
	 * @return string
	 */
	public static function refusal_reason( $status, $body ) {
		$reason = self::first_line( $body );
		if ( strlen( $reason ) > 300 ) {
			$reason = spamgate_cut_bytes( $reason, 300 ) . '...';
		}
		if ( '' === $reason ) {
			/* translators: %d: HTTP status. */
			return sprintf( __( 'spamgate refused the request (HTTP %d).', 'spamgate' ), $status );
		}
		/* translators: 1: HTTP status, 2: spamgate's reason. */
		return sprintf( __( 'spamgate refused the request (HTTP %1$d): %2$s', 'spamgate' ), $status, $reason );
	}

	/**
	 * One request and its answer, checked: spamgate unreachable, a 404 on a
	 * submission (unknown, or deleted after spamgate's retention period), a
	 * status the endpoint does not answer with on success, or an answer that
	 * fails its check each become the 'error'.
	 *
	 * @param string     $method  GET or POST.
	 * @param string     $path    e.g. /spamgate/notify.
	 * @param array|null $payload Sent as a JSON body when not null.
	 * @param int        $timeout Seconds.
	 * @param array      $expect  'ok' => the success statuses (200), 'not_found' => a 404 means the submission is gone,
	 *                            'answer' => the check of the decoded answer (given the status too), 'malformed' => the error when it fails.
	 * @return array array( 'status', 'data', 'error' ).
	 */
	private static function call( $method, $path, $payload, $timeout, array $expect ) {
		$expect = $expect + array(
			'ok'        => array( 200 ),
			'not_found' => false,
			'answer'    => null,
			'malformed' => '',
		);
		$answer = self::request( $method, $path, $payload, $timeout );
		if ( '' !== $answer['error'] ) {
			return $answer;
		}
		$body = $answer['data'];
		if ( 404 === $answer['status'] && $expect['not_found'] ) {
			$reason          = self::first_line( $body );
			$text            = __( 'spamgate no longer has this submission (unknown, or deleted after its retention period).', 'spamgate' );
			$answer['data']  = null;
			$answer['error'] = '' === $reason ? $text : $text . ' ' . spamgate_cut_bytes( $reason, 300 );
			return $answer;
		}
		if ( ! in_array( $answer['status'], $expect['ok'], true ) ) {
			$answer['data']  = null;
			$answer['error'] = self::refusal_reason( $answer['status'], $body );
			return $answer;
		}
		$answer['data'] = null === $expect['answer'] ? true : call_user_func( $expect['answer'], json_decode( $body, true ), $answer['status'] );
		if ( null === $answer['data'] ) {
			$answer['error'] = $expect['malformed'];
		}
		return $answer;
	}

	/**
	 * Sends one request to spamgate's API; 'data' is the answer's body.
	 *
	 * @param string     $method  GET or POST.
	 * @param string     $path    e.g. /spamgate/notify.
	 * @param array|null $payload Sent as a JSON body when not null.
	 * @param int        $timeout Seconds.
	 * @return array array( 'status' => HTTP status or 0, 'data' => the body, 'error' => '' or why spamgate was not reached ).
	 */
	private static function request( $method, $path, $payload, $timeout ) {
		if ( ! self::configured() ) {
			return array(
				'status' => 0,
				'data'   => null,
				'error'  => __( 'SPAMGATE_URL and SPAMGATE_SECRET are not both defined in wp-config.php', 'spamgate' ),
			);
		}
		$args = array(
			'method'      => $method,
			'timeout'     => $timeout,
			'redirection' => 0,
			'headers'     => array(
				'Authorization' => 'Bearer ' . SPAMGATE_SECRET,
				'Accept'        => 'application/json',
			),
		);
		if ( null !== $payload ) {
			$args['headers']['Content-Type'] = 'application/json';
			$args['body']                    = wp_json_encode( $payload );
		}
		$response = wp_remote_request( self::url( SPAMGATE_URL, $path ), $args );
		if ( is_wp_error( $response ) ) {
			return array(
				'status' => 0,
				'data'   => null,
				/* translators: 1: SPAMGATE_URL, 2: the HTTP error. */
				'error'  => sprintf( __( 'spamgate unreachable at %1$s: %2$s', 'spamgate' ), SPAMGATE_URL, $response->get_error_message() ),
			);
		}
		return array(
			'status' => (int) wp_remote_retrieve_response_code( $response ),
			'data'   => (string) wp_remote_retrieve_body( $response ),
			'error'  => '',
		);
	}

	/**
	 * The first non-empty line of a plain-text answer, trimmed.
	 *
	 * @param string $body The answer.
	 * @return string
	 */
	private static function first_line( $body ) {
		return trim( (string) strtok( trim( (string) $body ), "\r\n" ) );
	}
}
