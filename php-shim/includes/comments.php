<?php
/**
 * spamgate: applies spamgate's verdict to new comments, keeps the verdict
 * as comment meta, adds the honeypot and token fields to the comment form,
 * and reports the owner's moderation decisions back to spamgate.
 * A comment without a verdict never counts as passed.
 *
 * @package spamgate
 */

/**
 * How held comments are stored: 'spam' (default) or 'pending', from the
 * SPAMGATE_HOLD_AS constant.
 *
 * @return string
 */
function spamgate_hold_as() {
	return ( defined( 'SPAMGATE_HOLD_AS' ) && 'pending' === SPAMGATE_HOLD_AS ) ? 'pending' : 'spam';
}

/**
 * A FastCGI param spamgate set on this request, or null when absent.
 *
 * @param string $name e.g. SPAMGATE_VERDICT.
 * @return string|null
 */
function spamgate_request_param( $name ) {
	return isset( $_SERVER[ $name ] ) ? (string) $_SERVER[ $name ] : null; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput
}

/**
 * The outcome for the comment being submitted in this request, or null
 * before pre_comment_approved ran.
 *
 * @param string|null $set Outcome to remember (pass|hold|bypass|trusted); null to read.
 * @return string|null
 */
function spamgate_current_outcome( $set = null ) {
	static $outcome = null;
	if ( null !== $set ) {
		$outcome = $set;
	}
	return $outcome;
}

/**
 * The pre_comment_approved filter (runs last): applies the verdict and
 * records a bypass for the admin notice.
 *
 * @param mixed $approved WordPress's decision: 1, 0, 'spam', 'trash' or WP_Error.
 * @return mixed
 */
function spamgate_pre_comment_approved( $approved ) {
	$decision = spamgate_comment_approval(
		spamgate_request_param( 'SPAMGATE_VERDICT' ),
		$approved,
		spamgate_hold_as(),
		current_user_can( 'moderate_comments' )
	);
	spamgate_current_outcome( $decision['outcome'] );
	if ( 'bypass' === $decision['outcome'] ) {
		$path = spamgate_request_param( 'REQUEST_URI' );
		spamgate_record_problem(
			'bypass',
			sprintf(
				/* translators: %s: the request's path. */
				__( 'a comment reached WordPress without passing spamgate (%s)', 'spamgate' ),
				null === $path ? __( 'no request URI', 'spamgate' ) : substr( strtok( $path, '?' ), 0, 100 )
			)
		);
	}
	return $decision['approved'];
}

/**
 * The comment_post action (runs first): stores the verdict, score, rules,
 * the learned check's explanation and spamgate's submission id as comment
 * meta (used by feedback and by the moderation-mail filter), each cut to
 * 500 bytes at a character boundary.
 *
 * @param int $comment_id The new comment.
 * @return void
 */
function spamgate_comment_post( $comment_id ) {
	$outcome = spamgate_current_outcome();
	if ( null === $outcome ) {
		return;
	}
	add_comment_meta( $comment_id, '_spamgate_outcome', $outcome, true );
	foreach ( array(
		'SPAMGATE_ID'      => '_spamgate_id',
		'SPAMGATE_SCORE'   => '_spamgate_score',
		'SPAMGATE_RULES'   => '_spamgate_rules',
		'SPAMGATE_LEARNED' => '_spamgate_learned',
	) as $param => $key ) {
		$value = spamgate_request_param( $param );
		if ( null !== $value && '' !== $value ) {
			add_comment_meta( $comment_id, $key, wp_slash( spamgate_cut_bytes( $value, 500 ) ), true ); // add_comment_meta() unslashes.
		}
	}
}

/**
 * The notify_moderator filter: no moderation mail for a comment spamgate
 * held or that bypassed spamgate (the mail storm this project prevents).
 *
 * @param bool $maybe_notify WordPress's choice.
 * @param int  $comment_id   The comment.
 * @return bool
 */
function spamgate_notify_moderator( $maybe_notify, $comment_id ) {
	$outcome = get_comment_meta( $comment_id, '_spamgate_outcome', true );
	return ( 'hold' === $outcome || 'bypass' === $outcome ) ? false : $maybe_notify;
}

/**
 * The comment_form action: the honeypot field (must stay empty) and the
 * signed time token spamgate checks (TOO_FAST, NO_TOKEN). A page cache
 * serves the token it cached; the form token script
 * (includes/form-token.php) replaces it with a fresh one from spamgate on
 * first interaction.
 *
 * @return void
 */
function spamgate_comment_form_fields() {
	echo spamgate_protected_form_fields( 'sg_website' ); // phpcs:ignore WordPress.Security.EscapeOutput -- escaped when built.
}

/**
 * The transition_comment_status action: reports spam / not-spam /
 * approve decisions to POST /spamgate/feedback. A failure is logged only.
 *
 * @param string     $new_status New status.
 * @param string     $old_status Old status.
 * @param WP_Comment $comment    The comment.
 * @return void
 */
function spamgate_transition_comment_status( $new_status, $old_status, $comment ) {
	$decision = spamgate_feedback_decision( $new_status, $old_status );
	if ( null === $decision || ! Spamgate_Api::configured() ) {
		return;
	}
	$payload = array(
		'decision'      => $decision,
		'comment_id'    => (int) $comment->comment_ID,
		'submission_id' => (string) get_comment_meta( $comment->comment_ID, '_spamgate_id', true ),
		'author'        => (string) $comment->comment_author,
		'email'         => (string) $comment->comment_author_email,
		'url'           => (string) $comment->comment_author_url,
		'ip'            => (string) $comment->comment_author_IP,
		'body'          => (string) $comment->comment_content,
	);
	$answer  = Spamgate_Api::feedback( $payload );
	if ( '' !== $answer['error'] ) {
		error_log( 'spamgate: feedback for comment ' . $payload['comment_id'] . ' failed: ' . ( 0 === $answer['status'] ? $answer['error'] : 'HTTP ' . $answer['status'] ) ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions
	}
}
