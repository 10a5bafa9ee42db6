<?php
/**
 * spamgate: the list table of the "Blocked by spamgate" screen, in
 * WordPress's own list-table look: one column_* method per column (author,
 * submission, in response to, action, reasons, submitted), each cell's
 * HTML escaped where it is built. The screen around it (filters, notices,
 * actions) is includes/review-screen.php. Loaded by spamgate_review_load()
 * on that screen, after WP_List_Table.
 *
 * @package spamgate
 */

/**
 * One page of what spamgate blocked, from GET /spamgate/submissions.
 */
class Spamgate_Blocked_Table extends WP_List_Table {

	/**
	 * Why spamgate could not list the submissions, or ''.
	 *
	 * @var string
	 */
	public $error = '';

	/**
	 * The rules hit by the listed set (for the reason filter).
	 *
	 * @var array
	 */
	public $reasons = array();

	/**
	 * Addresses whose blocked texts spamgate did not keep: [{ip, count}].
	 *
	 * @var array
	 */
	public $not_kept = array();

	/**
	 * Whether the list holds only what the spamgate node asked blocked
	 * itself (several nodes, their shared state unreachable).
	 *
	 * @var bool
	 */
	public $partial = false;

	/**
	 * The filters of this request: reason, form, s, paged.
	 *
	 * @var array
	 */
	public $filters = array();

	/**
	 * Builds the table.
	 *
	 * @param array $filters From spamgate_review_filters().
	 */
	public function __construct( array $filters ) {
		parent::__construct(
			array(
				'singular' => 'spamgate_submission',
				'plural'   => 'spamgate_submissions',
				'ajax'     => false,
			)
		);
		$this->filters = $filters;
	}

	/**
	 * Asks spamgate for the page of submissions (the held comments left
	 * out: they are in WordPress's Spam or Pending list already).
	 *
	 * @return void
	 */
	public function prepare_items() {
		$fetched = Spamgate_Api::submissions(
			array(
				'held_comments' => 'exclude',
				'rule'          => $this->filters['reason'],
				'form'          => $this->filters['form'],
				'q'             => $this->filters['s'],
				'page'          => $this->get_pagenum(),
				'per_page'      => SPAMGATE_REVIEW_PER_PAGE,
			)
		);
		if ( '' !== $fetched['error'] ) {
			$this->error = $fetched['error'];
			$this->items = array();
			return;
		}
		$this->items    = $fetched['data']['items'];
		$this->reasons  = $fetched['data']['reasons'];
		$this->not_kept = $fetched['data']['not_kept'];
		$this->partial  = $fetched['data']['partial'];
		$this->set_pagination_args(
			array(
				'total_items' => $fetched['data']['total'],
				'per_page'    => SPAMGATE_REVIEW_PER_PAGE,
			)
		);
	}

	/**
	 * The column holding the row actions.
	 *
	 * @return string
	 */
	protected function get_default_primary_column_name() {
		return 'submission';
	}

	/**
	 * The bulk actions.
	 *
	 * @return array
	 */
	protected function get_bulk_actions() {
		return spamgate_review_bulk_actions();
	}

	/**
	 * One row: <tr id="spamgate-row-{ID}">.
	 *
	 * @param array $item From Spamgate_Api_Answers::submission().
	 * @return void
	 */
	public function single_row( $item ) {
		echo '<tr id="spamgate-row-' . esc_attr( $item['id'] ) . '">';
		$this->single_row_columns( $item );
		echo '</tr>';
	}

	/**
	 * The columns of the list.
	 *
	 * @return array Key => header.
	 */
	public function get_columns() {
		return array(
			'cb'         => '<input type="checkbox" />',
			'author'     => __( 'Author', 'spamgate' ),
			'submission' => __( 'Submission', 'spamgate' ),
			'response'   => __( 'In response to', 'spamgate' ),
			'action'     => __( 'Action', 'spamgate' ),
			'reasons'    => __( 'Reasons', 'spamgate' ),
			'submitted'  => __( 'Submitted', 'spamgate' ),
		);
	}

	/**
	 * A row's checkbox: <input type="checkbox" name="submission[]" value="{ID}">
	 * in a label for screen readers.
	 *
	 * @param array $item From Spamgate_Api_Answers::submission().
	 * @return string
	 */
	public function column_cb( $item ) {
		return '<label><span class="screen-reader-text">' . esc_html(
			sprintf(
				/* translators: %s: the author's name. */
				__( 'Select the submission from %s', 'spamgate' ),
				'' === $item['author'] ? __( 'an anonymous author', 'spamgate' ) : $item['author']
			)
		) . '</span><input type="checkbox" name="submission[]" value="' . esc_attr( $item['id'] ) . '"></label>';
	}

	/**
	 * The author cell: name, e-mail, website and IP address.
	 *
	 * @param array $item The submission.
	 * @return string
	 */
	public function column_author( $item ) {
		$html = '<strong>' . esc_html( '' === $item['author'] ? __( '(no name)', 'spamgate' ) : $item['author'] ) . '</strong>';
		if ( '' !== $item['email'] ) {
			$mailto = esc_url( 'mailto:' . $item['email'] );
			$html  .= '<br>' . ( '' === $mailto ? esc_html( $item['email'] ) : '<a href="' . $mailto . '">' . esc_html( $item['email'] ) . '</a>' );
		}
		if ( '' !== $item['url'] ) {
			$url   = esc_url( $item['url'], array( 'http', 'https' ) );
			$html .= '<br>' . ( '' === $url ? esc_html( $item['url'] ) : '<a href="' . $url . '" rel="nofollow noopener noreferrer">' . esc_html( $item['url'] ) . '</a>' );
		}
		if ( '' !== $item['ip'] ) {
			$html .= '<br>' . esc_html( $item['ip'] );
		}
		return $html;
	}

	/**
	 * The submission cell: a contact message's subject, an excerpt of the
	 * text, and the whole text behind a disclosure when it is longer; for a
	 * form plugin's message, every field it sent.
	 *
	 * @param array $item The submission.
	 * @return string
	 */
	public function column_submission( $item ) {
		$html = '';
		if ( '' !== $item['subject'] ) {
			$html .= '<strong>' . esc_html( $item['subject'] ) . '</strong><br>';
		}
		$excerpt = spamgate_review_excerpt( $item['body'] );
		$html   .= '' === $excerpt ? '<em>' . esc_html__( '(empty)', 'spamgate' ) . '</em>' : esc_html( $excerpt );
		if ( 'form' === $item['kind'] ) {
			$fields = spamgate_review_form_fields_html( $item );
			return '' === $fields ? $html : $html . '<details class="spamgate-form-fields" open><summary>' . esc_html__( 'All fields', 'spamgate' ) . '</summary>' . $fields . '</details>';
		}
		if ( $excerpt !== spamgate_review_one_line( $item['body'] ) ) {
			$html .= '<details><summary>' . esc_html__( 'Full text', 'spamgate' ) . '</summary><div class="spamgate-full-text">' . esc_html( $item['body'] ) . '</div></details>';
		}
		return $html;
	}

	/**
	 * The "In response to" cell: the post's title linked to it (comments),
	 * "Contact form" and the form's path (contact messages), or the form's
	 * name, the page it was on and its path (form plugins' messages).
	 *
	 * @param array $item The submission.
	 * @return string
	 */
	public function column_response( $item ) {
		if ( 'form' === $item['kind'] ) {
			$html = '<strong class="spamgate-form-title">' . esc_html( spamgate_review_form_title( $item ) ) . '</strong>';
			$page = null === $item['form_page'] ? null : get_post( $item['form_page'] );
			if ( $page ) {
				$title = get_the_title( $page );
				$html .= '<br><a href="' . esc_url( get_permalink( $page ) ) . '">' . esc_html( '' === $title ? __( '(no title)', 'spamgate' ) : $title ) . '</a>';
			}
			return '' === $item['endpoint'] ? $html : $html . '<br><code>' . esc_html( $item['endpoint'] ) . '</code>';
		}
		if ( 'contact' === $item['kind'] ) {
			$html = esc_html__( 'Contact form', 'spamgate' );
			return '' === $item['endpoint'] ? $html : $html . '<br><code>' . esc_html( $item['endpoint'] ) . '</code>';
		}
		$post = null === $item['post_id'] ? null : get_post( $item['post_id'] );
		if ( ! $post ) {
			return null === $item['post_id'] ? esc_html__( 'Unknown post', 'spamgate' )
				/* translators: %d: post ID. */
				: esc_html( sprintf( __( 'Post %d (deleted)', 'spamgate' ), $item['post_id'] ) );
		}
		$title = get_the_title( $post );
		return '<a href="' . esc_url( get_permalink( $post ) ) . '">' . esc_html( '' === $title ? __( '(no title)', 'spamgate' ) : $title ) . '</a>';
	}

	/**
	 * The action cell: what spamgate did (Rejected, Discarded, Held).
	 *
	 * @param array $item The submission.
	 * @return string
	 */
	public function column_action( $item ) {
		return esc_html( spamgate_action_label( $item['action'] ) );
	}

	/**
	 * The reasons cell: each rule that hit, by its description (the rule's
	 * name when it has none; name, score and detail as a tooltip), the learned
	 * check's strongest features, and the total score.
	 *
	 * @param array $item The submission.
	 * @return string
	 */
	public function column_reasons( $item ) {
		$hits = $item['hits'];
		if ( empty( $hits ) ) {
			foreach ( array_filter( array_map( 'trim', explode( ',', $item['rules'] ) ) ) as $rule ) {
				$hits[] = array(
					'rule'        => $rule,
					'score'       => 0.0,
					'detail'      => '',
					'description' => '',
				);
			}
		}
		$html = '<ul class="spamgate-reasons">';
		foreach ( $hits as $hit ) {
			$tip = $hit['rule'] . ( 0.0 !== $hit['score'] ? ' ' . sprintf( '%+.1f', $hit['score'] ) : '' ) . ( '' !== $hit['detail'] ? ': ' . $hit['detail'] : '' );
			$html .= '<li title="' . esc_attr( $tip ) . '">' . esc_html( '' !== $hit['description'] ? $hit['description'] : $hit['rule'] );
			if ( 'LEARNED' === $hit['rule'] && '' !== $hit['detail'] ) {
				$html .= '<span class="spamgate-learned">' . esc_html( $hit['detail'] ) . '</span>';
			}
			$html .= '</li>';
		}
		$html .= '</ul>';
		/* translators: %s: spamgate's score. */
		return $html . '<span class="description">' . esc_html( sprintf( __( 'Score %s', 'spamgate' ), number_format_i18n( $item['score'], 1 ) ) ) . '</span>';
	}

	/**
	 * The submitted cell: when it was sent, in the site's timezone.
	 *
	 * @param array $item The submission.
	 * @return string
	 */
	public function column_submitted( $item ) {
		return '<time datetime="' . esc_attr( gmdate( 'c', $item['created_at'] ) ) . '">'
			. esc_html( wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), $item['created_at'] ) ) . '</time>';
	}

	/**
	 * The row actions, under the submission's text.
	 *
	 * @param array  $item        The submission.
	 * @param string $column_name The column.
	 * @param string $primary     The primary column.
	 * @return string
	 */
	protected function handle_row_actions( $item, $column_name, $primary ) {
		if ( $column_name !== $primary ) {
			return '';
		}
		return $this->row_actions( $this->row_action_links( $item ) );
	}

	/**
	 * A row's actions: "Not spam" (class spamgate-not-spam) and "Confirm spam"
	 * (class spamgate-confirm-spam).
	 *
	 * @param array $item From Spamgate_Api_Answers::submission().
	 * @return array Key => link HTML, for WP_List_Table::row_actions().
	 */
	private function row_action_links( array $item ) {
		$author = '' === $item['author'] ? __( 'an anonymous author', 'spamgate' ) : $item['author'];
		return array(
			'not_spam'     => sprintf(
				'<a href="%1$s" class="spamgate-not-spam" aria-label="%2$s">%3$s</a>',
				esc_url( spamgate_review_action_url( $item['id'], 'ham' ) ),
				/* translators: %s: the author's name. */
				esc_attr( sprintf( __( 'Not spam: rescue the submission from %s', 'spamgate' ), $author ) ),
				esc_html__( 'Not spam', 'spamgate' )
			),
			'confirm_spam' => sprintf(
				'<a href="%1$s" class="spamgate-confirm-spam" aria-label="%2$s">%3$s</a>',
				esc_url( spamgate_review_action_url( $item['id'], 'spam' ) ),
				/* translators: %s: the author's name. */
				esc_attr( sprintf( __( 'Confirm that the submission from %s is spam', 'spamgate' ), $author ) ),
				esc_html__( 'Confirm spam', 'spamgate' )
			),
		);
	}

	/**
	 * The reason and form filters, above the table.
	 *
	 * @param string $which 'top' or 'bottom'.
	 * @return void
	 */
	protected function extra_tablenav( $which ) {
		if ( 'top' !== $which ) {
			return;
		}
		$forms = spamgate_review_form_filter_html( spamgate_review_form_choices(), $this->filters['form'] );
		if ( ! empty( $this->reasons ) || '' !== $this->filters['reason'] || '' !== $forms ) {
			echo spamgate_review_reason_filter_html( $this->reasons, $this->filters['reason'], $forms ); // phpcs:ignore WordPress.Security.EscapeOutput -- escaped when built.
		}
	}

	/**
	 * The line shown when nothing is listed.
	 *
	 * @return void
	 */
	public function no_items() {
		if ( '' !== $this->filters['reason'] || '' !== $this->filters['form'] || '' !== $this->filters['s'] ) {
			esc_html_e( 'No blocked submissions match.', 'spamgate' );
			return;
		}
		esc_html_e( 'Nothing spamgate blocked is waiting for a decision.', 'spamgate' );
	}
}
