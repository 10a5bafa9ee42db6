<?php
/**
 * The part of WordPress's WP_List_Table that the Blocked by spamgate table
 * uses, following WordPress 6.1's markup (row cells with
 * "{column} column-{column}" classes, the primary column's row actions, the
 * bulk nonce "bulk-{plural}" at the top). Loaded by ReviewScreenTest only;
 * includes/review-screen.php requires the real one when WP_List_Table is
 * missing.
 *
 * @package spamgate
 */

// phpcs:disable Squiz.Commenting.FunctionComment.Missing -- mirrors WordPress's class.

/** Stub of WordPress's list table base class. */
class WP_List_Table {
	/**
	 * The rows.
	 *
	 * @var array
	 */
	public $items = array();

	/**
	 * Constructor arguments.
	 *
	 * @var array
	 */
	protected $_args = array();

	/**
	 * From set_pagination_args().
	 *
	 * @var array
	 */
	protected $_pagination_args = array();

	public function __construct( $args = array() ) {
		$args['plural']   = sanitize_key( $args['plural'] );
		$args['singular'] = sanitize_key( $args['singular'] );
		$this->_args      = $args;
	}

	protected function set_pagination_args( $args ) {
		$this->_pagination_args = $args;
	}

	public function get_pagination_arg( $key ) {
		return isset( $this->_pagination_args[ $key ] ) ? $this->_pagination_args[ $key ] : 0;
	}

	public function get_pagenum() {
		return isset( $_REQUEST['paged'] ) ? max( 1, absint( $_REQUEST['paged'] ) ) : 1;
	}

	public function has_items() {
		return ! empty( $this->items );
	}

	protected function get_default_primary_column_name() {
		return '';
	}

	protected function get_bulk_actions() {
		return array();
	}

	protected function extra_tablenav( $which ) {
	}

	protected function column_default( $item, $column_name ) {
	}

	protected function column_cb( $item ) {
	}

	protected function handle_row_actions( $item, $column_name, $primary ) {
		return '';
	}

	protected function row_actions( $actions, $always_visible = false ) {
		$out = '<div class="row-actions">';
		$i   = 0;
		foreach ( $actions as $action => $link ) {
			++$i;
			$out .= "<span class='$action'>$link" . ( $i < count( $actions ) ? ' | ' : '' ) . '</span>';
		}
		return $out . '</div>';
	}

	public function search_box( $text, $input_id ) {
		echo '<p class="search-box"><input type="search" id="' . esc_attr( $input_id ) . '-search-input" name="s" value=""></p>';
	}

	public function no_items() {
		echo 'No items found.';
	}

	protected function single_row_columns( $item ) {
		$primary = $this->get_default_primary_column_name();
		foreach ( $this->get_columns() as $column_name => $display ) {
			$classes = "$column_name column-$column_name" . ( $primary === $column_name ? ' has-row-actions column-primary' : '' );
			if ( 'cb' === $column_name ) {
				echo '<th scope="row" class="check-column">' . $this->column_cb( $item ) . '</th>';
				continue;
			}
			echo "<td class='$classes' data-colname=\"" . esc_attr( strip_tags( $display ) ) . '">';
			if ( method_exists( $this, 'column_' . $column_name ) ) {
				echo call_user_func( array( $this, 'column_' . $column_name ), $item );
			} else {
				echo $this->column_default( $item, $column_name );
			}
			echo $this->handle_row_actions( $item, $column_name, $primary );
			echo '</td>';
		}
	}

	public function single_row( $item ) {
		echo '<tr>';
		$this->single_row_columns( $item );
		echo '</tr>';
	}

	public function display() {
		wp_nonce_field( 'bulk-' . $this->_args['plural'] );
		echo '<div class="tablenav top">';
		if ( $this->has_items() ) {
			echo '<select name="action">';
			foreach ( $this->get_bulk_actions() as $value => $label ) {
				echo '<option value="' . esc_attr( $value ) . '">' . esc_html( $label ) . '</option>';
			}
			echo '</select>';
		}
		$this->extra_tablenav( 'top' );
		echo '</div><table class="wp-list-table widefat fixed striped ' . esc_attr( $this->_args['plural'] ) . '"><tbody id="the-list">';
		if ( $this->has_items() ) {
			foreach ( $this->items as $item ) {
				$this->single_row( $item );
			}
		} else {
			echo '<tr class="no-items"><td class="colspanchange">';
			$this->no_items();
			echo '</td></tr>';
		}
		echo '</tbody></table>';
	}
}
