<?php
/**
 * spamgate: WordPress's privacy tools (Tools > Export / Erase Personal
 * Data) for what spamgate keeps about a person, found by e-mail address:
 * the submissions it blocked (GET /spamgate/personal-data) and the
 * moderation decisions it learned from; erasing goes to
 * POST /spamgate/personal-data/erase, and spamgate unlearns them. Also the
 * suggested text for the site's privacy policy.
 *
 * @package spamgate
 */

/**
 * The wp_privacy_personal_data_exporters filter: adds spamgate's exporter.
 *
 * @param array $exporters Registered exporters.
 * @return array
 */
function spamgate_privacy_register_exporter( $exporters ) {
	$exporters['spamgate'] = array(
		'exporter_friendly_name' => __( 'spamgate', 'spamgate' ),
		'callback'               => 'spamgate_privacy_export',
	);
	return $exporters;
}

/**
 * The wp_privacy_personal_data_erasers filter: adds spamgate's eraser.
 *
 * @param array $erasers Registered erasers.
 * @return array
 */
function spamgate_privacy_register_eraser( $erasers ) {
	$erasers['spamgate'] = array(
		'eraser_friendly_name' => __( 'spamgate', 'spamgate' ),
		'callback'             => 'spamgate_privacy_erase',
	);
	return $erasers;
}

/**
 * One outbox message as an item of the export group "spamgate: mail".
 *
 * @param array $mail From Spamgate_Api_Answers::personal_data().
 * @return array
 */
function spamgate_privacy_mail_export( array $mail ) {
	return array(
		'group_id'          => 'spamgate-mail',
		'group_label'       => __( 'spamgate: mail', 'spamgate' ),
		'group_description' => __( 'Mail spamgate sent or is sending to the site owners that mentions this address, such as a contact form message.', 'spamgate' ),
		'item_id'           => 'spamgate-mail-' . $mail['id'],
		'data'              => spamgate_privacy_fields(
			array(
				__( 'Queued', 'spamgate' )  => spamgate_privacy_time( $mail['created_at'] ),
				__( 'Kind', 'spamgate' )    => $mail['kind'],
				__( 'Status', 'spamgate' )  => $mail['status'],
				__( 'Subject', 'spamgate' ) => $mail['subject'],
				__( 'Message', 'spamgate' ) => $mail['message'],
			)
		),
	);
}

/**
 * The name => value pairs of an export item, leaving out empty values.
 *
 * @param array $pairs Name => value.
 * @return array List of array( 'name', 'value' ).
 */
function spamgate_privacy_fields( array $pairs ) {
	$data = array();
	foreach ( $pairs as $name => $value ) {
		if ( '' !== (string) $value ) {
			$data[] = array(
				'name'  => $name,
				'value' => (string) $value,
			);
		}
	}
	return $data;
}

/**
 * What spamgate did, for people.
 *
 * @param string $action hold, reject or discard.
 * @return string
 */
function spamgate_action_label( $action ) {
	$labels = array(
		'hold'    => __( 'Held', 'spamgate' ),
		'reject'  => __( 'Rejected', 'spamgate' ),
		'discard' => __( 'Discarded', 'spamgate' ),
	);
	return isset( $labels[ $action ] ) ? $labels[ $action ] : $action;
}

/**
 * A decision as people read it.
 *
 * @param string|null $decision ham, spam, approve, or null.
 * @return string
 */
function spamgate_privacy_decision_label( $decision ) {
	$labels = array(
		'ham'     => __( 'Not spam', 'spamgate' ),
		'spam'    => __( 'Spam', 'spamgate' ),
		'approve' => __( 'Approved', 'spamgate' ),
	);
	return isset( $labels[ $decision ] ) ? $labels[ $decision ] : (string) $decision;
}

/**
 * A kind of submission as people read it.
 *
 * @param string $kind comment or contact.
 * @return string
 */
function spamgate_privacy_kind_label( $kind ) {
	if ( 'contact' === $kind ) {
		return __( 'Contact form message', 'spamgate' );
	}
	return 'comment' === $kind ? __( 'Comment', 'spamgate' ) : $kind;
}

/**
 * A time for the export, in the site's timezone; '' for none.
 *
 * @param int $time Unix time.
 * @return string
 */
function spamgate_privacy_time( $time ) {
	return $time > 0 ? wp_date( 'Y-m-d H:i:s', $time ) : '';
}

/**
 * One stored submission (blocked, or passed and kept a few days to try
 * rule changes on) as an item of the export group "spamgate: stored
 * submissions".
 *
 * @param array $item From Spamgate_Api_Answers::submission().
 * @return array
 */
function spamgate_privacy_submission_export( array $item ) {
	$reasons = array();
	foreach ( $item['hits'] as $hit ) {
		$reasons[] = '' !== $hit['description'] ? $hit['description'] : $hit['rule'];
	}
	return array(
		'group_id'          => 'spamgate-submissions',
		'group_label'       => __( 'spamgate: stored submissions', 'spamgate' ),
		'group_description' => __( 'Comments and contact form messages that spamgate, this site\'s spam filter, blocked and keeps for review, or let through and keeps for a few days so the site owner can test rule changes on them.', 'spamgate' ),
		'item_id'           => 'spamgate-submission-' . $item['id'],
		'data'              => spamgate_privacy_fields(
			array(
				__( 'Submitted', 'spamgate' )              => spamgate_privacy_time( $item['created_at'] ),
				__( 'Kind', 'spamgate' )                   => spamgate_privacy_kind_label( $item['kind'] ),
				__( 'Form', 'spamgate' )                   => $item['endpoint'],
				__( 'What spamgate did', 'spamgate' )      => spamgate_action_label( $item['action'] ),
				__( 'Reasons', 'spamgate' )                => empty( $reasons ) ? $item['rules'] : implode( '; ', $reasons ),
				__( 'Name', 'spamgate' )                   => $item['author'],
				__( 'Email', 'spamgate' )                  => $item['email'],
				__( 'Website', 'spamgate' )                => $item['url'],
				__( 'IP address', 'spamgate' )             => $item['ip'],
				__( 'Browser user agent', 'spamgate' )     => $item['user_agent'],
				__( 'Subject', 'spamgate' )                => $item['subject'],
				__( 'Text', 'spamgate' )                   => $item['body'],
				__( 'Post ID', 'spamgate' )                => null === $item['post_id'] ? '' : (string) $item['post_id'],
				__( 'Site owner\'s decision', 'spamgate' ) => null === $item['decision'] ? '' : spamgate_privacy_decision_label( $item['decision'] ),
				__( 'Decided', 'spamgate' )                => spamgate_privacy_time( (int) $item['decided_at'] ),
			)
		),
	);
}

/**
 * One moderation decision as an item of the export group "spamgate:
 * moderation decisions".
 *
 * @param array $decision From Spamgate_Api_Answers::personal_data().
 * @return array
 */
function spamgate_privacy_decision_export( array $decision ) {
	return array(
		'group_id'          => 'spamgate-decisions',
		'group_label'       => __( 'spamgate: moderation decisions', 'spamgate' ),
		'group_description' => __( 'The site owner\'s decisions about comments and messages (spam or not spam), which train this site\'s spam filter.', 'spamgate' ),
		'item_id'           => 'spamgate-decision-' . $decision['id'],
		'data'              => spamgate_privacy_fields(
			array(
				__( 'Decided', 'spamgate' )            => spamgate_privacy_time( $decision['created_at'] ),
				__( 'Decision', 'spamgate' )           => spamgate_privacy_decision_label( $decision['decision'] ),
				__( 'Kind', 'spamgate' )               => spamgate_privacy_kind_label( $decision['kind'] ),
				__( 'Comment ID', 'spamgate' )         => $decision['comment_id'] > 0 ? (string) $decision['comment_id'] : '',
				__( 'Name', 'spamgate' )               => $decision['author'],
				__( 'Email', 'spamgate' )              => $decision['email'],
				__( 'Website', 'spamgate' )            => $decision['url'],
				__( 'IP address', 'spamgate' )         => $decision['ip'],
				__( 'Subject', 'spamgate' )            => $decision['subject'],
				__( 'Text', 'spamgate' )               => $decision['body'],
				__( 'Recorded from', 'spamgate' )      => $decision['source'],
				__( 'Blocked submission', 'spamgate' ) => $decision['submission_id'],
			)
		),
	);
}

/**
 * The exporter: everything spamgate holds for an e-mail address, on page
 * 1 (spamgate answers with all of it, at most 500 submissions and 500
 * decisions); later pages are empty and done. spamgate unreachable is an
 * error, so the export is not mistaken for complete.
 *
 * @param string $email The address the request is for.
 * @param int    $page  Page, from 1.
 * @return array|WP_Error array( 'data' => export items, 'done' => bool ).
 */
function spamgate_privacy_export( $email, $page = 1 ) {
	$email = trim( (string) $email );
	if ( '' === $email || (int) $page > 1 ) {
		return array(
			'data' => array(),
			'done' => true,
		);
	}
	$answer = Spamgate_Api::personal_data( $email );
	if ( '' !== $answer['error'] ) {
		return new WP_Error(
			'spamgate_export_failed',
			/* translators: %s: the reason. */
			sprintf( __( 'spamgate could not export its data: %s', 'spamgate' ), $answer['error'] )
		);
	}
	$data = array();
	foreach ( $answer['data']['submissions'] as $item ) {
		$data[] = spamgate_privacy_submission_export( $item );
	}
	foreach ( $answer['data']['decisions'] as $decision ) {
		$data[] = spamgate_privacy_decision_export( $decision );
	}
	foreach ( $answer['data']['mails'] as $mail ) {
		$data[] = spamgate_privacy_mail_export( $mail );
	}
	return array(
		'data' => $data,
		'done' => true,
	);
}

/**
 * The eraser: spamgate erases (and unlearns) everything it holds for an
 * e-mail address in one go, on page 1; later pages are empty and done.
 * spamgate unreachable is an error, so the request is not marked erased.
 *
 * @param string $email The address the request is for.
 * @param int    $page  Page, from 1.
 * @return array|WP_Error array( 'items_removed' => bool, 'items_retained' => bool, 'messages' => list, 'done' => bool ).
 */
function spamgate_privacy_erase( $email, $page = 1 ) {
	$answer = array(
		'items_removed'  => false,
		'items_retained' => false,
		'messages'       => array(),
		'done'           => true,
	);
	$email  = trim( (string) $email );
	if ( '' === $email || (int) $page > 1 ) {
		return $answer;
	}
	$erased = Spamgate_Api::erase_personal_data( $email );
	if ( '' !== $erased['error'] ) {
		return new WP_Error(
			'spamgate_erase_failed',
			/* translators: %s: the reason. */
			sprintf( __( 'spamgate could not erase its data: %s', 'spamgate' ), $erased['error'] )
		);
	}
	$counts                  = $erased['data'];
	$answer['items_removed'] = $counts['submissions'] + $counts['decisions'] + $counts['mails'] > 0;
	if ( $answer['items_removed'] ) {
		$answer['messages'][] = sprintf(
			/* translators: 1: number of stored submissions, 2: number of moderation decisions, 3: number of mails. */
			__( 'spamgate erased %1$d stored submissions, %2$d moderation decisions and %3$d mails.', 'spamgate' ),
			$counts['submissions'],
			$counts['decisions'],
			$counts['mails']
		);
	}
	return $answer;
}

/**
 * The suggested privacy policy text, as HTML.
 *
 * @return string
 */
function spamgate_privacy_policy_text() {
	$paragraphs = array(
		__( 'This site screens comments and contact form messages with spamgate, a spam filter that runs on the site\'s own server.', 'spamgate' ),
		__( 'When you leave a comment or send a message through a contact form, spamgate records your IP address, your browser\'s user agent string and what you submitted (name, e-mail address, website, subject and text) to decide whether it is spam.', 'spamgate' ),
		__( 'If spamgate blocks your comment or message, it keeps its text for a limited period (the retention period, 30 days unless the site owner changed it) so that the site owner can review it and rescue it if it was not spam.', 'spamgate' ),
		__( 'If your comment or message gets through, spamgate keeps its text for a few days (7 unless the site owner changed it) so that the site owner can test a change to the spam rules on real submissions before it takes effect.', 'spamgate' ),
		__( 'When the site owner marks a comment or message as spam or not spam, spamgate keeps that decision, with what was submitted, to train a spam filter for this site only.', 'spamgate' ),
		__( 'None of this is sent to third parties. You can ask for an export or the erasure of this data by e-mail address, as for the rest of your personal data on this site.', 'spamgate' ),
	);
	$html = '<p class="privacy-policy-tutorial">' . esc_html__( 'spamgate stores what visitors submit through comment and contact forms, and the site owner\'s moderation decisions. Suggested text:', 'spamgate' ) . '</p>';
	foreach ( $paragraphs as $paragraph ) {
		$html .= '<p>' . esc_html( $paragraph ) . '</p>';
	}
	return $html;
}

/**
 * The admin_init action: offers the suggested text in Settings > Privacy.
 *
 * @return void
 */
function spamgate_privacy_policy_content() {
	if ( function_exists( 'wp_add_privacy_policy_content' ) ) {
		wp_add_privacy_policy_content( __( 'spamgate', 'spamgate' ), spamgate_privacy_policy_text() );
	}
}
