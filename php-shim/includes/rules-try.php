<?php
/**
 * spamgate: the "Try rules" box on Settings > spamgate. The owner pastes
 * rule lines; spamgate scores its stored submissions with the current rules
 * and with those lines added (POST /spamgate/rules/try) and the screen shows
 * the difference. Nothing changes until the owner edits the rule file. The
 * form posts to admin-post.php and needs manage_options and the
 * 'spamgate_try_rules' nonce; the answer is kept for the user for ten
 * minutes and shown once on the settings screen.
 *
 * @package spamgate
 */

/**
 * Asks spamgate what `$lines` would have done to its stored submissions.
 *
 * @param string $lines Candidate rule lines.
 * @return array array( 'lines' => string, 'report' => array|null, 'errors' => string[] ).
 */
function spamgate_try_rules( $lines ) {
	$out = array(
		'lines'  => $lines,
		'report' => null,
		'errors' => array(),
	);
	if ( '' === trim( $lines ) ) {
		$out['errors'][] = __( 'Paste at least one rule line.', 'spamgate' );
		return $out;
	}
	$answer = Spamgate_Api::try_rules( $lines );
	if ( '' !== $answer['error'] ) {
		$out['errors'][] = $answer['error'];
		return $out;
	}
	$out['report'] = $answer['data']['report'];
	$out['errors'] = $answer['data']['errors'];
	return $out;
}

/**
 * An integer member of the report, 0 when absent.
 *
 * @param array  $data The array.
 * @param string $key  The member.
 * @return int
 */
function spamgate_try_count( $data, $key ) {
	return isset( $data[ $key ] ) && is_numeric( $data[ $key ] ) ? (int) $data[ $key ] : 0;
}

/**
 * The owner's decision of an example, as words on the screen.
 *
 * @param mixed $owner 'spam', 'not spam' or null.
 * @return string
 */
function spamgate_try_owner_word( $owner ) {
	if ( 'spam' === $owner ) {
		return __( 'you marked it spam', 'spamgate' );
	}
	if ( 'not spam' === $owner ) {
		return __( 'you marked it not spam', 'spamgate' );
	}
	return '';
}

/**
 * The difference table of a report, as HTML (every value escaped).
 *
 * @param array $report spamgate's JSON answer, decoded.
 * @return string
 */
function spamgate_try_report_html( $report ) {
	$blocked = isset( $report['newly_blocked'] ) && is_array( $report['newly_blocked'] ) ? $report['newly_blocked'] : array();
	$passed  = isset( $report['newly_passed'] ) && is_array( $report['newly_passed'] ) ? $report['newly_passed'] : array();
	$html    = '<div id="spamgate-try-result">';
	$html   .= '<p id="spamgate-try-summary">' . esc_html(
		sprintf(
			/* translators: 1: submissions scored, 2: newly blocked, 3: of them marked not spam, 4: newly let through, 5: of them marked spam. */
			__( 'Scored %1$d stored submissions. With these lines, %2$d would be newly blocked (%3$d of them you marked not spam) and %4$d newly let through (%5$d of them you marked spam).', 'spamgate' ),
			spamgate_try_count( $report, 'scored' ),
			spamgate_try_count( $blocked, 'count' ),
			spamgate_try_count( $blocked, 'marked_not_spam' ),
			spamgate_try_count( $passed, 'count' ),
			spamgate_try_count( $passed, 'marked_spam' )
		)
	) . '</p>';
	if ( ! empty( $report['replaced'] ) && is_array( $report['replaced'] ) ) {
		$html .= '<p class="description">' . esc_html(
			sprintf(
				/* translators: %s: rule names. */
				__( 'These lines replace the current rules %s.', 'spamgate' ),
				implode( ', ', array_map( 'strval', $report['replaced'] ) )
			)
		) . '</p>';
	}
	$rules = isset( $report['rules'] ) && is_array( $report['rules'] ) ? $report['rules'] : array();
	if ( empty( $rules ) ) {
		return $html . '<p>' . esc_html__( 'No stored submission would end differently.', 'spamgate' ) . '</p></div>';
	}
	$html .= '<table class="widefat striped" id="spamgate-try-table"><thead><tr>';
	foreach ( array( __( 'Rule', 'spamgate' ), __( 'Newly blocked', 'spamgate' ), __( 'Marked not spam', 'spamgate' ), __( 'Newly let through', 'spamgate' ), __( 'Marked spam', 'spamgate' ), __( 'Examples', 'spamgate' ) ) as $heading ) {
		$html .= '<th scope="col">' . esc_html( $heading ) . '</th>';
	}
	$html .= '</tr></thead><tbody>';
	foreach ( $rules as $rule ) {
		if ( ! is_array( $rule ) ) {
			continue;
		}
		$examples = '';
		if ( isset( $rule['examples'] ) && is_array( $rule['examples'] ) ) {
			foreach ( $rule['examples'] as $example ) {
				if ( ! is_array( $example ) ) {
					continue;
				}
				$owner     = spamgate_try_owner_word( isset( $example['owner'] ) ? $example['owner'] : null );
				$examples .= '<li>' . esc_html(
					sprintf(
						/* translators: 1: the verdict before, 2: the verdict after, 3: the submission's text. */
						__( '%1$s -> %2$s: %3$s', 'spamgate' ),
						isset( $example['before'] ) ? (string) $example['before'] : '',
						isset( $example['after'] ) ? (string) $example['after'] : '',
						isset( $example['text'] ) ? (string) $example['text'] : ''
					)
				) . ( '' === $owner ? '' : ' <em>(' . esc_html( $owner ) . ')</em>' ) . '</li>';
			}
		}
		$html .= sprintf(
			'<tr><td><code>%1$s</code></td><td>%2$d</td><td>%3$d</td><td>%4$d</td><td>%5$d</td><td><ul>%6$s</ul></td></tr>',
			esc_html( isset( $rule['rule'] ) ? (string) $rule['rule'] : '' ),
			spamgate_try_count( $rule, 'newly_blocked' ),
			spamgate_try_count( $rule, 'newly_blocked_not_spam' ),
			spamgate_try_count( $rule, 'newly_passed' ),
			spamgate_try_count( $rule, 'newly_passed_spam' ),
			$examples
		);
	}
	return $html . '</tbody></table></div>';
}

/**
 * The "Try rules" section of the settings screen: the result of the last
 * try (shown once) and the form, as HTML.
 *
 * @return string
 */
function spamgate_try_rules_html() {
	$key    = 'spamgate_try_result_' . get_current_user_id();
	$result = get_transient( $key );
	$lines  = '';
	$html   = '<h2>' . esc_html__( 'Try rules', 'spamgate' ) . '</h2>';
	$html  .= '<p>' . esc_html__( 'Paste rule lines to see what they would have done to the submissions spamgate has kept (blocked ones, and what passed in the last days). Nothing changes until you edit the rule file.', 'spamgate' ) . '</p>';
	if ( is_array( $result ) && isset( $result['errors'] ) ) {
		delete_transient( $key );
		$lines = isset( $result['lines'] ) ? (string) $result['lines'] : '';
		if ( ! empty( $result['errors'] ) ) {
			$html .= '<div class="notice notice-error spamgate-try-errors"><p>' . esc_html__( 'The rules could not be tried:', 'spamgate' ) . '</p><ul>';
			foreach ( $result['errors'] as $error ) {
				$html .= '<li><code>' . esc_html( (string) $error ) . '</code></li>';
			}
			$html .= '</ul></div>';
		} elseif ( is_array( $result['report'] ) ) {
			$html .= spamgate_try_report_html( $result['report'] );
		}
	}
	$html .= '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" id="spamgate-try-form">';
	$html .= '<input type="hidden" name="action" value="spamgate_try_rules">';
	$html .= wp_nonce_field( 'spamgate_try_rules', '_wpnonce', true, false );
	$html .= '<p><label for="spamgate-try-rules">' . esc_html__( 'Rule lines', 'spamgate' ) . '</label><br>';
	$html .= '<textarea name="spamgate_try_rules" id="spamgate-try-rules" rows="6" cols="80" class="large-text code">' . esc_textarea( $lines ) . '</textarea></p>';
	$html .= '<p><button type="submit" class="button">' . esc_html__( 'Try on stored submissions', 'spamgate' ) . '</button></p></form>';
	return $html;
}

/**
 * The admin_post_spamgate_try_rules action: asks spamgate, keeps the answer
 * for the user and returns to the settings screen, which shows it.
 *
 * @return void
 */
function spamgate_admin_post_try_rules() {
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_die( esc_html__( 'Sorry, you are not allowed to manage spamgate.', 'spamgate' ), 403 );
	}
	check_admin_referer( 'spamgate_try_rules' );
	$lines = isset( $_POST['spamgate_try_rules'] ) ? (string) wp_unslash( $_POST['spamgate_try_rules'] ) : ''; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput -- rule lines are sent as they are (regexes); never echoed unescaped.
	set_transient( 'spamgate_try_result_' . get_current_user_id(), spamgate_try_rules( $lines ), 10 * MINUTE_IN_SECONDS );
	wp_safe_redirect( admin_url( 'options-general.php?page=spamgate#spamgate-try-form' ) );
	exit;
}
