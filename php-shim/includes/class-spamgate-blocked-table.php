<?php
/**
 * spamgate: the list table of the "Blocked by spamgate" screen, in
 * WordPress's own list-table look. The cells and the links come from
 * includes/review-screen.php; this class only arranges them. Loaded by
 * spamgate_review_load() on that screen, after WP_List_Table.
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
		$fetched = spamgate_review_fetch_list(
			array(
				'held_comments' => 'exclude',
				'rule'          => $this->filters['reason'],
				'form'          => $this->filters['form'],
				'q'             => $this->filters['s'],
				'page'          => $this->get_pagenum(),
				'per_page'      => SPAMGATE_REVIEW_PER_PAGE,
			)
		);
		if ( null === $fetched['list'] ) {
			$this->error = $fetched['error'];
			$this->items = array();
			return;
		}
		$this->items   = $fetched['list']['items'];
		$this->reasons  = $fetched['list']['reasons'];
		$this->not_kept = $fetched['list']['not_kept'];
		$this->set_pagination_args(
			array(
				'total_items' => $fetched['list']['total'],
				'per_page'    => SPAMGATE_REVIEW_PER_PAGE,
			)
		);
	}

	/**
	 * The columns.
	 *
	 * @return array
	 */
	public function get_columns() {
		return spamgate_review_columns();
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
	 * @param array $item From spamgate_parse_submission().
	 * @return void
	 */
	public function single_row( $item ) {
		echo '<tr id="spamgate-row-' . esc_attr( $item['id'] ) . '">';
		$this->single_row_columns( $item );
		echo '</tr>';
	}

	/**
	 * The checkbox cell.
	 *
	 * @param array $item The submission.
	 * @return string
	 */
	protected function column_cb( $item ) {
		return spamgate_review_checkbox_html( $item );
	}

	/**
	 * Any other cell.
	 *
	 * @param array  $item        The submission.
	 * @param string $column_name The column.
	 * @return string
	 */
	protected function column_default( $item, $column_name ) {
		return spamgate_review_cell_html( $item, $column_name );
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
		return $this->row_actions( spamgate_review_row_action_links( $item ) );
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
