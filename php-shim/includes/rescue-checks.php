<?php
/**
 * spamgate: the acceptance rules a rescued comment must still meet. A
 * blocked comment names its own post (a spammer picks comment_post_ID), so
 * "Not spam" applies what wp-comments-post.php applies to any visitor:
 * comments open on the post, the post published (not private, draft,
 * pending or scheduled), no post password, a post type with comments, and
 * WordPress's field length limits. It never inserts or changes anything:
 * it only says why a rescue is refused; the owner may then override it
 * explicitly ("Restore anyway", review-screen.php).
 *
 * @package spamgate
 */

/**
 * Whether WordPress would accept this comment on this post from a visitor.
 *
 * @param WP_Post $post   The post the comment names (exists, not in the trash).
 * @param array   $fields From spamgate_review_comment_fields(), unslashed.
 * @return true|WP_Error WP_Error( 'spamgate_rescue_refused', translated reason ) when refused.
 */
function spamgate_rescue_check( $post, array $fields ) {
	$reason = spamgate_rescue_refusal( $post, $fields );
	return '' === $reason ? true : new WP_Error( 'spamgate_rescue_refused', $reason );
}

/**
 * The reason WordPress would refuse the comment, or ''.
 *
 * @param WP_Post $post   The post.
 * @param array   $fields The comment's fields, unslashed.
 * @return string
 */
function spamgate_rescue_refusal( $post, array $fields ) {
	$post_id = (int) $post->ID;
	if ( ! post_type_supports( $post->post_type, 'comments' ) ) {
		/* translators: 1: post ID, 2: post type. */
		return sprintf( __( 'Posts of this type (ID %1$d is a "%2$s") do not take comments.', 'spamgate' ), $post_id, $post->post_type );
	}
	$status = get_post_status( $post );
	if ( 'publish' !== $status ) {
		/* translators: 1: post ID, 2: post status (private, draft, pending, future). */
		return sprintf( __( 'The post (ID %1$d) is not published (its status is "%2$s"); visitors cannot comment on it.', 'spamgate' ), $post_id, (string) $status );
	}
	if ( '' !== (string) $post->post_password ) {
		/* translators: %d: post ID. */
		return sprintf( __( 'The post (ID %d) is password-protected; visitors without the password cannot comment on it.', 'spamgate' ), $post_id );
	}
	if ( ! comments_open( $post ) ) {
		/* translators: %d: post ID. */
		return sprintf( __( 'Comments are closed on the post (ID %d).', 'spamgate' ), $post_id );
	}
	$lengths = wp_check_comment_data_max_lengths( $fields );
	if ( is_wp_error( $lengths ) ) {
		/* translators: %s: WordPress's error code, e.g. comment_author_column_length. */
		return sprintf( __( 'A field is longer than WordPress allows (%s).', 'spamgate' ), $lengths->get_error_code() );
	}
	return '';
}
