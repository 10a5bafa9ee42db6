<?php
/**
 * spamgate: the "Blocked by spamgate" screen (Comments > Blocked by
 * spamgate, edit-comments.php?page=spamgate-blocked) for users who may
 * moderate comments: what spamgate rejected or discarded, and every contact
 * message it blocked, with why, and "Not spam" / "Confirm spam" per row
 * (links to admin-post.php?action=spamgate_review) and in bulk (the list
 * form, handled on load-comments_page_spamgate-blocked before any output).
 * Comments spamgate held are in WordPress's Spam or Pending list already and
 * are not listed again. Every action needs moderate_comments and a nonce.
 * The decisions themselves are includes/rescue.php; this file turns their
 * results into the screen's notices. The table's cells are
 * includes/class-spamgate-blocked-table.php.
 *
 * @package spamgate
 */

/**
 * The screen's slug.
 */
define( 'SPAMGATE_REVIEW_PAGE', 'spamgate-blocked' );

/**
 * The screen's hook suffix (load-{suffix}, admin_enqueue_scripts): WordPress
 * names a page under Comments "comments_page_{slug}" in every language.
 */
define( 'SPAMGATE_REVIEW_SCREEN', 'comments_page_' . SPAMGATE_REVIEW_PAGE );

/**
 * The admin_menu action: adds Comments > Blocked by spamgate.
 *
 * @return void
 */
function spamgate_review_menu() {
	add_comments_page(
		__( 'Blocked by spamgate', 'spamgate' ),
		__( 'Blocked by spamgate', 'spamgate' ),
		'moderate_comments',
		SPAMGATE_REVIEW_PAGE,
		'spamgate_review_render_page'
	);
}

/**
 * A reason filter's rule name, as spamgate writes them (PHARMA, LINKS_3).
 *
 * @param mixed $rule From the request.
 * @return string
 */
function spamgate_review_sanitize_rule( $rule ) {
	return is_string( $rule ) ? substr( preg_replace( '/[^A-Za-z0-9_.:\-]/', '', $rule ), 0, 64 ) : '';
}

/**
 * A form filter's value, as spamgate names forms: the preset or custom
 * form's name, optionally ":" and the form plugin's id (cf7:12).
 *
 * @param mixed $form From the request.
 * @return string
 */
function spamgate_review_sanitize_form( $form ) {
	return is_string( $form ) ? substr( preg_replace( '/[^A-Za-z0-9_:\-]/', '', $form ), 0, 80 ) : '';
}

/**
 * The screen's filters from a request's parameters.
 *
 * @param array $params $_GET or $_POST (slashed, as PHP's superglobals are in WordPress).
 * @return array array( 'reason' => rule or '', 'form' => form or '', 's' => search text or '', 'paged' => page >= 1 ).
 */
function spamgate_review_filters( array $params ) {
	$search = isset( $params['s'] ) && is_string( $params['s'] ) ? sanitize_text_field( wp_unslash( $params['s'] ) ) : '';
	return array(
		'reason' => isset( $params['reason'] ) ? spamgate_review_sanitize_rule( wp_unslash( $params['reason'] ) ) : '',
		'form'   => isset( $params['form'] ) ? spamgate_review_sanitize_form( wp_unslash( $params['form'] ) ) : '',
		's'      => spamgate_cut_bytes( $search, 200 ),
		'paged'  => isset( $params['paged'] ) && is_scalar( $params['paged'] ) ? max( 1, absint( $params['paged'] ) ) : 1,
	);
}

/**
 * The screen's URL with its filters (empty ones and page 1 left out).
 *
 * @param array $filters From spamgate_review_filters(), or part of it.
 * @return string
 */
function spamgate_review_url( array $filters = array() ) {
	$query = array( 'page' => SPAMGATE_REVIEW_PAGE );
	foreach ( array( 'reason', 'form', 's' ) as $key ) {
		if ( isset( $filters[ $key ] ) && '' !== $filters[ $key ] ) {
			$query[ $key ] = $filters[ $key ];
		}
	}
	if ( isset( $filters['paged'] ) && $filters['paged'] > 1 ) {
		$query['paged'] = (int) $filters['paged'];
	}
	return admin_url( 'edit-comments.php?' . http_build_query( $query, '', '&', PHP_QUERY_RFC3986 ) );
}

/**
 * The URL a row action goes to: admin-post.php?action=spamgate_review
 * with the decision, the id and a nonce for that id.
 *
 * @param string $id       A submission id.
 * @param string $decision 'ham' or 'spam'.
 * @return string Not escaped.
 */
function spamgate_review_action_url( $id, $decision ) {
	$query = array(
		'action'   => 'spamgate_review',
		'decision' => $decision,
		'id'       => $id,
		'_wpnonce' => wp_create_nonce( 'spamgate_review_' . $id ),
	);
	return admin_url( 'admin-post.php?' . http_build_query( $query, '', '&', PHP_QUERY_RFC3986 ) );
}

/**
 * The URL of "Restore anyway" for a comment WordPress's rules refused: the
 * "Not spam" action with override=1 and a nonce of its own
 * (spamgate_review_override_{ID}), so no ordinary link or bulk action
 * can override.
 *
 * @param string $id A submission id.
 * @return string Not escaped.
 */
function spamgate_review_override_url( $id ) {
	$query = array(
		'action'   => 'spamgate_review',
		'decision' => 'ham',
		'id'       => $id,
		'override' => '1',
		'_wpnonce' => wp_create_nonce( 'spamgate_review_override_' . $id ),
	);
	return admin_url( 'admin-post.php?' . http_build_query( $query, '', '&', PHP_QUERY_RFC3986 ) );
}

/**
 * The valid submission ids of a request's submission[] list.
 *
 * @param mixed $raw $_POST['submission'].
 * @return array
 */
function spamgate_review_ids( $raw ) {
	$ids = array();
	foreach ( is_array( $raw ) ? $raw : array() as $id ) {
		$id = is_string( $id ) ? wp_unslash( $id ) : '';
		if ( Spamgate_Api_Answers::is_submission_id( $id ) && ! in_array( $id, $ids, true ) ) {
			$ids[] = $id;
		}
	}
	return $ids;
}

/**
 * The bulk actions of the list.
 *
 * @return array Value => label.
 */
function spamgate_review_bulk_actions() {
	return array(
		'not_spam'     => __( 'Not spam', 'spamgate' ),
		'confirm_spam' => __( 'Confirm spam', 'spamgate' ),
	);
}

/**
 * The bulk action a posted list form asks for: the top selector, else the
 * bottom one; '' when it asks for none (the Filter or Search button).
 *
 * @param array $post $_POST.
 * @return string 'not_spam', 'confirm_spam' or ''.
 */
function spamgate_review_bulk_action( array $post ) {
	if ( ! empty( $post['filter_action'] ) ) {
		return '';
	}
	foreach ( array( 'action', 'action2' ) as $key ) {
		$action = isset( $post[ $key ] ) && is_string( $post[ $key ] ) ? $post[ $key ] : '-1';
		if ( '-1' !== $action ) {
			return array_key_exists( $action, spamgate_review_bulk_actions() ) ? $action : '';
		}
	}
	return '';
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
	$already  = 0;
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
		} elseif ( empty( $result['created'] ) && ! empty( $result['comment_id'] ) ) {
			++$already;
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
	if ( $already > 0 ) {
		/* translators: %s: number of comments. */
		$done[] = sprintf( _n( '%s comment was rescued before; it stays in WordPress once.', '%s comments were rescued before; each stays in WordPress once.', $already, 'spamgate' ), number_format_i18n( $already ) );
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

/**
 * Keeps the notices about decisions for the next view of the screen (ten
 * minutes, for the current user).
 *
 * @param array $results From spamgate_review_decide_many().
 * @return void
 */
function spamgate_review_remember( array $results ) {
	set_transient(
		'spamgate_review_result_' . get_current_user_id(),
		spamgate_review_result_notices( $results, spamgate_rescue_status() ),
		10 * MINUTE_IN_SECONDS
	);
}

/**
 * The kept notices as HTML, once: <div class="notice notice-success
 * spamgate-review-result"> (notice-error for failures). '' when none.
 *
 * @return string
 */
function spamgate_review_notices_html() {
	$key     = 'spamgate_review_result_' . get_current_user_id();
	$notices = get_transient( $key );
	if ( ! is_array( $notices ) ) {
		return '';
	}
	delete_transient( $key );
	$html = '';
	foreach ( $notices as $notice ) {
		if ( ! is_array( $notice ) || ! isset( $notice['type'], $notice['lines'] ) ) {
			continue;
		}
		$html .= '<div class="notice ' . ( 'success' === $notice['type'] ? 'notice-success' : 'notice-error' ) . ' spamgate-review-result">';
		foreach ( (array) $notice['lines'] as $line ) {
			$html .= '<p>' . esc_html( $line ) . '</p>';
		}
		foreach ( isset( $notice['override'] ) ? (array) $notice['override'] : array() as $id ) {
			if ( Spamgate_Api_Answers::is_submission_id( $id ) ) {
				$html .= '<p><a class="button spamgate-restore-anyway" href="' . esc_url( spamgate_review_override_url( $id ) ) . '">'
					/* translators: %s: submission id. */
					. esc_html( sprintf( __( 'Restore %s anyway', 'spamgate' ), $id ) ) . '</a></p>';
			}
		}
		$html .= '</div>';
	}
	return $html;
}

/**
 * The load-{page} action of the screen, before any output: a posted bulk
 * action is carried out (or a posted filter becomes a GET URL) and the
 * browser is sent back; otherwise the table asks spamgate for its page.
 *
 * @return void
 */
function spamgate_review_load() {
	if ( ! current_user_can( 'moderate_comments' ) ) {
		wp_die( esc_html__( 'Sorry, you are not allowed to moderate comments.', 'spamgate' ), 403 );
	}
	if ( isset( $_SERVER['REQUEST_METHOD'] ) && 'POST' === $_SERVER['REQUEST_METHOD'] ) {
		spamgate_review_handle_post();
	}
	if ( ! class_exists( 'WP_List_Table' ) ) {
		require_once ABSPATH . 'wp-admin/includes/class-wp-list-table.php';
	}
	require_once __DIR__ . '/class-spamgate-blocked-table.php';
	$table = new Spamgate_Blocked_Table( spamgate_review_filters( $_GET ) ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- filters only.
	$table->prepare_items();
	spamgate_review_table( $table );
}

/**
 * The screen's table, once spamgate_review_load() made it.
 *
 * @param Spamgate_Blocked_Table|null $set The table to keep; null to read.
 * @return Spamgate_Blocked_Table|null
 */
function spamgate_review_table( $set = null ) {
	static $table = null;
	if ( null !== $set ) {
		$table = $set;
	}
	return $table;
}

/**
 * The posted list form: a bulk action (moderate_comments and the list's
 * nonce "bulk-spamgate_submissions" checked first) or the filters. Always
 * redirects back to the screen.
 *
 * @return void
 */
function spamgate_review_handle_post() {
	// phpcs:disable WordPress.Security.NonceVerification.Missing -- checked below before anything changes.
	$filters = spamgate_review_filters( $_POST );
	$action  = spamgate_review_bulk_action( $_POST );
	// phpcs:enable
	if ( '' === $action ) {
		$filters['paged'] = 1;
		wp_safe_redirect( spamgate_review_url( $filters ) );
		exit;
	}
	if ( ! current_user_can( 'moderate_comments' ) ) {
		wp_die( esc_html__( 'Sorry, you are not allowed to moderate comments.', 'spamgate' ), 403 );
	}
	check_admin_referer( 'bulk-spamgate_submissions' );
	$ids = spamgate_review_ids( isset( $_POST['submission'] ) ? $_POST['submission'] : array() ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput -- each id is validated.
	spamgate_review_remember( spamgate_review_decide_many( $ids, 'not_spam' === $action ? 'ham' : 'spam' ) );
	wp_safe_redirect( spamgate_review_url( $filters ) );
	exit;
}

/**
 * The admin_post_spamgate_review action behind a row's "Not spam" and
 * "Confirm spam" links (GET decision, id, _wpnonce) and "Restore anyway"
 * (override=1, checked against its own nonce): moderate_comments and the
 * nonce, then the decision, then back to the screen as the referer left it.
 *
 * @return void
 */
function spamgate_review_admin_post() {
	// phpcs:disable WordPress.Security.NonceVerification.Recommended -- checked below before anything changes.
	$id       = isset( $_GET['id'] ) && is_string( $_GET['id'] ) ? sanitize_key( wp_unslash( $_GET['id'] ) ) : '';
	$decision = isset( $_GET['decision'] ) && is_string( $_GET['decision'] ) ? sanitize_key( wp_unslash( $_GET['decision'] ) ) : '';
	$override = isset( $_GET['override'] ) && '1' === $_GET['override'] && 'ham' === $decision;
	// phpcs:enable
	if ( ! current_user_can( 'moderate_comments' ) ) {
		wp_die( esc_html__( 'Sorry, you are not allowed to moderate comments.', 'spamgate' ), 403 );
	}
	if ( ! Spamgate_Api_Answers::is_submission_id( $id ) || ! in_array( $decision, array( 'ham', 'spam' ), true ) ) {
		wp_die( esc_html__( 'This link does not name a spamgate submission and a decision.', 'spamgate' ), 400 );
	}
	check_admin_referer( ( $override ? 'spamgate_review_override_' : 'spamgate_review_' ) . $id );
	spamgate_review_remember( array( spamgate_review_decide( $id, $decision, $override ) ) );
	wp_safe_redirect( spamgate_review_back_url( wp_get_referer() ) );
	exit;
}

/**
 * Where a row action returns: the screen with the referer's filters and
 * page, or the plain screen when the referer was elsewhere.
 *
 * @param string|false $referer wp_get_referer().
 * @return string
 */
function spamgate_review_back_url( $referer ) {
	$params = array();
	$query  = is_string( $referer ) ? wp_parse_url( $referer, PHP_URL_QUERY ) : null;
	if ( is_string( $query ) ) {
		parse_str( $query, $params );
	}
	if ( ! isset( $params['page'] ) || SPAMGATE_REVIEW_PAGE !== $params['page'] ) {
		return spamgate_review_url();
	}
	return spamgate_review_url( spamgate_review_filters( wp_slash( $params ) ) );
}

/**
 * The admin_enqueue_scripts action: column widths, on this screen only.
 *
 * @param string $hook_suffix The screen's hook suffix.
 * @return void
 */
function spamgate_review_styles( $hook_suffix ) {
	if ( SPAMGATE_REVIEW_SCREEN !== $hook_suffix ) {
		return;
	}
	wp_add_inline_style(
		'common',
		'.spamgate_submissions .column-author{width:17%}'
		. '.spamgate_submissions .column-response,.spamgate_submissions .column-action,.spamgate_submissions .column-submitted{width:11%}'
		. '.spamgate_submissions .column-reasons{width:20%}'
		. '.spamgate_submissions td{overflow-wrap:anywhere}'
		. '.spamgate-reasons{margin:0}.spamgate-reasons li{margin:0 0 .3em}'
		. '.spamgate-learned{display:block;color:#646970}'
		. '.spamgate-full-text{white-space:pre-wrap}'
		. '.spamgate-fields{margin:.4em 0}.spamgate-fields th,.spamgate-fields td{display:block;width:auto;padding:2px 8px}'
		. '.spamgate-fields th{font-weight:600;padding-top:6px}.spamgate-fields td{overflow-wrap:break-word}'
	);
}

/**
 * A text on one line: runs of white space become one space.
 *
 * @param string $text Any text (UTF-8; other bytes are left as they are).
 * @return string
 */
function spamgate_review_one_line( $text ) {
	$line = preg_replace( '/\s+/u', ' ', (string) $text );
	return trim( null === $line ? (string) $text : $line );
}

/**
 * The first $max characters of a text on one line, with an ellipsis when cut.
 *
 * @param string $text Any text.
 * @param int    $max  Characters.
 * @return string Plain text.
 */
function spamgate_review_excerpt( $text, $max = 200 ) {
	$line = spamgate_review_one_line( $text );
	if ( function_exists( 'mb_strlen' ) ? mb_strlen( $line, 'UTF-8' ) <= $max : strlen( $line ) <= $max ) {
		return $line;
	}
	$cut = function_exists( 'mb_substr' ) ? mb_substr( $line, 0, $max, 'UTF-8' ) : spamgate_cut_bytes( $line, $max );
	return rtrim( $cut ) . "\u{2026}";
}

/**
 * The reason filter: <select name="reason"> from the listed set's rules,
 * then $more (the form filter), and their Filter button.
 *
 * @param array  $reasons From Spamgate_Api_Answers::submission_list().
 * @param string $current The selected rule, or ''.
 * @param string $more    More filters' HTML, or ''.
 * @return string
 */
function spamgate_review_reason_filter_html( array $reasons, $current, $more = '' ) {
	$rules = array_column( $reasons, 'rule' );
	if ( '' !== $current && ! in_array( $current, $rules, true ) ) {
		$reasons[] = array(
			'rule'        => $current,
			'description' => '',
			'count'       => 0,
		);
	}
	$html  = '<div class="alignleft actions">';
	$html .= '<label class="screen-reader-text" for="spamgate-filter-reason">' . esc_html__( 'Filter by reason', 'spamgate' ) . '</label>';
	$html .= '<select name="reason" id="spamgate-filter-reason"><option value="">' . esc_html__( 'All reasons', 'spamgate' ) . '</option>';
	foreach ( $reasons as $reason ) {
		$label = ( '' !== $reason['description'] ? $reason['description'] : $reason['rule'] ) . ( $reason['count'] > 0 ? ' (' . number_format_i18n( $reason['count'] ) . ')' : '' );
		$html .= '<option value="' . esc_attr( $reason['rule'] ) . '"' . ( $reason['rule'] === $current ? ' selected="selected"' : '' ) . '>' . esc_html( $label ) . '</option>';
	}
	$html .= '</select>' . $more;
	$html .= '<input type="submit" name="filter_action" id="spamgate-filter-submit" class="button" value="' . esc_attr__( 'Filter', 'spamgate' ) . '">';
	return $html . '</div>';
}

/**
 * The forms a site can filter by: each Contact Form 7 form (cf7:ID, by
 * its title), and each other form plugin that is active here (by name).
 *
 * @return array Filter value => label.
 */
function spamgate_review_form_choices() {
	$choices = array();
	if ( class_exists( 'WPCF7_ContactForm' ) ) {
		foreach ( WPCF7_ContactForm::find() as $form ) {
			$choices[ 'cf7:' . $form->id() ] = $form->title();
		}
	}
	$active = array(
		'wpforms'      => function_exists( 'wpforms' ),
		'gravity'      => class_exists( 'GFForms' ),
		'elementor'    => defined( 'ELEMENTOR_PRO_VERSION' ),
		'wp_register'  => (bool) get_option( 'users_can_register' ),
		'woo_register' => class_exists( 'WooCommerce' ),
	);
	foreach ( spamgate_form_plugins() as $name => $label ) {
		if ( ! empty( $active[ $name ] ) ) {
			$choices[ $name ] = $label;
		}
	}
	return $choices;
}

/**
 * The form filter: <select name="form"> with the site's forms
 * (spamgate_review_form_choices()); '' when it has none.
 *
 * @param array  $choices Filter value => label.
 * @param string $current The selected form, or ''.
 * @return string
 */
function spamgate_review_form_filter_html( array $choices, $current ) {
	if ( '' !== $current && ! isset( $choices[ $current ] ) ) {
		$choices[ $current ] = $current;
	}
	if ( empty( $choices ) ) {
		return '';
	}
	$html  = '<label class="screen-reader-text" for="spamgate-filter-form">' . esc_html__( 'Filter by form', 'spamgate' ) . '</label>';
	$html .= '<select name="form" id="spamgate-filter-form"><option value="">' . esc_html__( 'All forms and comments', 'spamgate' ) . '</option>';
	foreach ( $choices as $value => $label ) {
		$html .= '<option value="' . esc_attr( $value ) . '"' . ( (string) $value === $current ? ' selected="selected"' : '' ) . '>' . esc_html( $label ) . '</option>';
	}
	return $html . '</select>';
}

/**
 * The line that points to the comments spamgate held: they are in
 * WordPress's own Spam and Pending lists, not in this one.
 *
 * @return string
 */
function spamgate_review_held_line_html() {
	$counts  = wp_count_comments();
	$spam    = sprintf(
		'<a href="%1$s">%2$s</a>',
		esc_url( admin_url( 'edit-comments.php?comment_status=spam' ) ),
		/* translators: %s: number of comments. */
		esc_html( sprintf( __( 'Spam (%s)', 'spamgate' ), number_format_i18n( (int) $counts->spam ) ) )
	);
	$pending = sprintf(
		'<a href="%1$s">%2$s</a>',
		esc_url( admin_url( 'edit-comments.php?comment_status=moderated' ) ),
		/* translators: %s: number of comments. */
		esc_html( sprintf( __( 'Pending (%s)', 'spamgate' ), number_format_i18n( (int) $counts->moderated ) ) )
	);
	return '<p class="spamgate-held-line">' . sprintf(
		/* translators: 1: link to the Spam list, 2: link to the Pending list. */
		esc_html__( 'Comments spamgate held are in WordPress already, in its %1$s and %2$s lists; they are not listed here.', 'spamgate' ),
		$spam,
		$pending
	) . '</p>';
}

/**
 * The line that says what spamgate did not keep (its review budget): "12
 * more from 203.0.113.7 not kept". '' when it kept everything.
 *
 * @param array $not_kept [{ip, count}], most first.
 * @return string
 */
function spamgate_review_not_kept_html( $not_kept ) {
	$parts = array();
	foreach ( (array) $not_kept as $dropped ) {
		/* translators: 1: number of submissions, 2: the client's IP address. */
		$parts[] = sprintf( __( '%1$s more from %2$s not kept', 'spamgate' ), number_format_i18n( (int) $dropped['count'] ), $dropped['ip'] );
	}
	if ( empty( $parts ) ) {
		return '';
	}
	return '<p class="spamgate-not-kept">' . esc_html( implode( '; ', $parts ) . '. ' . __( 'spamgate keeps only so much blocked text per address and in all, so no one can fill the disk.', 'spamgate' ) ) . '</p>';
}

/**
 * The notice for a partial list: several spamgate nodes share the site's
 * blocked submissions through Redis, and the node asked could not reach it,
 * so it listed only its own. '' when the list is the whole site's.
 *
 * @param bool $partial Whether the list is partial.
 * @return string
 */
function spamgate_review_partial_html( $partial ) {
	if ( ! $partial ) {
		return '';
	}
	return '<div class="notice notice-warning inline spamgate-partial"><p>' . esc_html__( 'This list may be incomplete: spamgate could not reach the state its web servers share, so it shows only what the server that answered blocked itself. Reload the page in a minute to see everything.', 'spamgate' ) . '</p></div>';
}

/**
 * The screen.
 *
 * @return void
 */
function spamgate_review_render_page() {
	if ( ! current_user_can( 'moderate_comments' ) ) {
		wp_die( esc_html__( 'Sorry, you are not allowed to moderate comments.', 'spamgate' ), 403 );
	}
	$table = spamgate_review_table();
	echo '<div class="wrap"><h1 class="wp-heading-inline">' . esc_html__( 'Blocked by spamgate', 'spamgate' ) . '</h1>';
	if ( $table && '' !== $table->filters['s'] ) {
		/* translators: %s: the search text. */
		echo '<span class="subtitle">' . esc_html( sprintf( __( 'Search results for: %s', 'spamgate' ), $table->filters['s'] ) ) . '</span>';
	}
	echo '<hr class="wp-header-end">';
	echo spamgate_review_notices_html(); // phpcs:ignore WordPress.Security.EscapeOutput -- escaped when built.
	echo '<p>' . esc_html__( 'spamgate rejected or discarded these comments before WordPress saw them, and blocked these contact and form messages. "Not spam" brings a comment back into WordPress and mails you a contact or form message (a form\'s message as the form would have mailed it); "Confirm spam" keeps it out. spamgate learns from both.', 'spamgate' ) . '</p>';
	echo spamgate_review_held_line_html(); // phpcs:ignore WordPress.Security.EscapeOutput -- escaped when built.
	if ( ! $table || '' !== $table->error ) {
		printf(
			'<div class="notice notice-error inline spamgate-unavailable"><p>%1$s</p><p>%2$s</p></div></div>',
			esc_html__( 'The blocked submissions cannot be listed right now: spamgate could not be asked for them.', 'spamgate' ),
			esc_html( $table ? $table->error : __( 'The list was not loaded.', 'spamgate' ) )
		);
		return;
	}
	echo spamgate_review_partial_html( $table->partial ); // phpcs:ignore WordPress.Security.EscapeOutput -- escaped when built.
	echo spamgate_review_not_kept_html( $table->not_kept ); // phpcs:ignore WordPress.Security.EscapeOutput -- escaped when built.
	printf( '<form id="spamgate-blocked-form" method="post" action="%s">', esc_url( spamgate_review_url() ) );
	$table->search_box( __( 'Search blocked submissions', 'spamgate' ), 'spamgate-blocked' );
	$table->display();
	echo '</form></div>';
}
