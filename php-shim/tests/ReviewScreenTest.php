<?php
/**
 * Tests of the Blocked by spamgate screen (includes/review-screen.php and
 * its list table, against tests/fakes/class-wp-list-table.php): the markup
 * the browser test relies on, escaping, the error notice, and the bulk and
 * row actions' capability and nonce checks.
 *
 * @package spamgate
 */

use PHPUnit\Framework\TestCase;

/** Tests of the screen, its handlers and Spamgate_Blocked_Table. */
final class ReviewScreenTest extends TestCase {

	const ID  = '0123456789abcdef';
	const ID2 = 'fedcba9876543210';

	public static function setUpBeforeClass(): void {
		require_once __DIR__ . '/fakes/class-wp-list-table.php';
	}

	protected function setUp(): void {
		spamgate_test_reset();
		$GLOBALS['spamgate_test']['can']     = true;
		$GLOBALS['spamgate_test']['options'] = array(
			'date_format' => 'Y-m-d',
			'time_format' => 'H:i',
		);
		$_GET                                = array();
		$_POST                               = array();
		$_REQUEST                            = array();
		$_SERVER['REQUEST_METHOD']           = 'GET';
	}

	protected function tearDown(): void {
		$_GET     = array();
		$_POST    = array();
		$_REQUEST = array();
		unset( $_SERVER['REQUEST_METHOD'] );
	}

	private static function item( $id, array $changes = array() ) {
		return array_merge(
			array(
				'id'         => $id,
				'created_at' => 1764590400,
				'endpoint'   => '/wp-comments-post.php',
				'kind'       => 'comment',
				'ip'         => '192.0.2.7',
				'user_agent' => 'Mozilla/5.0',
				'action'     => 'reject',
				'score'      => 7.5,
				'rules'      => 'PHARMA,LEARNED',
				'hits'       => array(
					array(
						'rule'        => 'PHARMA',
						'score'       => 4,
						'detail'      => 'viagra',
						'description' => 'Pharmacy spam words',
					),
					array(
						'rule'        => 'LEARNED',
						'score'       => 3.5,
						'detail'      => 'p=0.93; +link:example.biz +word:casino',
						'description' => '',
					),
				),
				'author'     => '<b>Bot</b>',
				'email'      => 'bot@example.net',
				'url'        => 'javascript:alert(1)',
				'subject'    => '',
				'body'       => 'Buy <script>alert(1)</script> now',
				'post_id'    => 42,
				'parent'     => null,
				'decision'   => null,
				'decided_at' => null,
			),
			$changes
		);
	}

	private static function list_answer( array $items, $total = null ) {
		return array(
			200,
			json_encode(
				array(
					'items'    => $items,
					'total'    => null === $total ? count( $items ) : $total,
					'page'     => 1,
					'per_page' => 20,
					'reasons'  => array(
						array(
							'rule'        => 'PHARMA',
							'description' => 'Pharmacy spam words',
							'count'       => 3,
						),
						array(
							'rule'        => 'LEARNED',
							'description' => '',
							'count'       => 1,
						),
					),
				)
			),
		);
	}

	private function run_exit( callable $fn ) {
		try {
			$fn();
		} catch ( Spamgate_Test_Exit $exit ) {
			return $exit;
		}
		$this->fail( 'the handler did not end the request' );
	}

	private function page_html() {
		ob_start();
		try {
			spamgate_review_load();
			spamgate_review_render_page();
		} finally {
			$html = ob_get_clean();
		}
		return $html;
	}

	private function post_bulk( $action, array $ids, $nonce ) {
		$_SERVER['REQUEST_METHOD'] = 'POST';
		$_POST                     = array(
			'action'     => $action,
			'action2'    => '-1',
			'submission' => $ids,
			'_wpnonce'   => $nonce,
			'reason'     => 'PHARMA',
			's'          => '',
			'paged'      => '2',
		);
		$_REQUEST                  = $_POST;
	}

	public function test_the_page_lists_with_held_comments_excluded_and_the_stable_markup() {
		spamgate_test_reset(
			array(
				self::list_answer(
					array(
						self::item( self::ID ),
						self::item(
							self::ID2,
							array(
								'kind'     => 'contact',
								'endpoint' => '/contact',
								'subject'  => 'Quote & more',
								'post_id'  => null,
								'action'   => 'discard',
								'url'      => 'https://shop.example/',
							)
						),
					),
					41
				),
			)
		);
		$GLOBALS['spamgate_test']['can']       = true;
		$GLOBALS['spamgate_test']['options']   = array(
			'date_format' => 'Y-m-d',
			'time_format' => 'H:i',
		);
		$GLOBALS['spamgate_test']['timezone']  = 'Europe/Berlin';
		$GLOBALS['spamgate_test']['posts'][42] = (object) array(
			'ID'          => 42,
			'post_status' => 'publish',
			'post_title'  => 'Hello <world>',
		);
		$_GET                                  = array(
			'page'   => 'spamgate-blocked',
			'reason' => 'PHARMA<x>',
			's'      => 'cheap pills',
			'paged'  => '2',
		);
		$_REQUEST                              = $_GET;

		$html = $this->page_html();

		$this->assertSame(
			'http://127.0.0.1:8080/spamgate/submissions?rule=PHARMAx&q=cheap%20pills&page=2&per_page=20&held_comments=exclude',
			$GLOBALS['spamgate_test']['requests'][0][0]
		);
		$this->assertStringContainsString( '<tr id="spamgate-row-' . self::ID . '">', $html );
		$this->assertStringContainsString( '<tr id="spamgate-row-' . self::ID2 . '">', $html );
		$this->assertStringContainsString( '<input type="checkbox" name="submission[]" value="' . self::ID . '">', $html );
		$this->assertStringContainsString(
			'<a href="http://blog.example/wp-admin/admin-post.php?action=spamgate_review&amp;decision=ham&amp;id=' . self::ID . '&amp;_wpnonce=nonce-spamgate_review_' . self::ID . '" class="spamgate-not-spam"',
			$html
		);
		$this->assertStringContainsString(
			'<a href="http://blog.example/wp-admin/admin-post.php?action=spamgate_review&amp;decision=spam&amp;id=' . self::ID2 . '&amp;_wpnonce=nonce-spamgate_review_' . self::ID2 . '" class="spamgate-confirm-spam"',
			$html
		);
		$this->assertStringContainsString( "<td class='reasons column-reasons' data-colname=\"Reasons\"><ul class=\"spamgate-reasons\"><li title=\"PHARMA +4.0: viagra\">Pharmacy spam words</li><li title=\"LEARNED +3.5: p=0.93; +link:example.biz +word:casino\">LEARNED<span class=\"spamgate-learned\">p=0.93; +link:example.biz +word:casino</span></li></ul>", $html );
		$this->assertStringContainsString( 'name="_wpnonce" value="nonce-bulk-spamgate_submissions"', $html );
		$this->assertStringContainsString( '<option value="not_spam">Not spam</option><option value="confirm_spam">Confirm spam</option>', $html );
		$this->assertStringContainsString( '<select name="reason" id="spamgate-filter-reason"><option value="">All reasons</option><option value="PHARMA">Pharmacy spam words (3)</option><option value="LEARNED">LEARNED (1)</option><option value="PHARMAx" selected="selected">PHARMAx</option></select>', $html );
		$this->assertStringContainsString( '<form id="spamgate-blocked-form" method="post" action="http://blog.example/wp-admin/edit-comments.php?page=spamgate-blocked">', $html );
		$this->assertStringContainsString( '<a href="http://blog.example/wp-admin/edit-comments.php?comment_status=spam">Spam (4)</a>', $html );
		$this->assertStringContainsString( '<a href="http://blog.example/wp-admin/edit-comments.php?comment_status=moderated">Pending (2)</a>', $html );

		// Cells: escaped, the post linked, the contact's subject, the time in the site's timezone.
		$this->assertStringContainsString( '<strong>&lt;b&gt;Bot&lt;/b&gt;</strong><br><a href="mailto:bot@example.net">bot@example.net</a><br>javascript:alert(1)<br>192.0.2.7', $html );
		$this->assertStringContainsString( 'Buy &lt;script&gt;alert(1)&lt;/script&gt; now', $html );
		$this->assertStringNotContainsString( '<script>', $html );
		$this->assertStringContainsString( '<a href="http://blog.example/?p=42">Hello &lt;world&gt;</a>', $html );
		$this->assertStringContainsString( 'Contact form<br><code>/contact</code>', $html );
		$this->assertStringContainsString( '<strong>Quote &amp; more</strong><br>', $html );
		$this->assertStringContainsString( '<a href="https://shop.example/" rel="nofollow noopener noreferrer">https://shop.example/</a>', $html );
		$this->assertStringContainsString( "<td class='action column-action' data-colname=\"Action\">Rejected</td>", $html );
		$this->assertStringContainsString( "<td class='action column-action' data-colname=\"Action\">Discarded</td>", $html );
		$this->assertStringContainsString( '<time datetime="2025-12-01T12:00:00+00:00">2025-12-01 13:00</time>', $html );
		$this->assertStringContainsString( '<span class="subtitle">Search results for: cheap pills</span>', $html );
	}

	public function test_spamgate_down_shows_an_error_notice_instead_of_the_table() {
		$html = $this->page_html();
		$this->assertStringContainsString( '<div class="notice notice-error inline spamgate-unavailable">', $html );
		$this->assertStringContainsString( 'spamgate unreachable at http://127.0.0.1:8080/: cURL error 7', $html );
		$this->assertStringNotContainsString( '<table', $html );
		$this->assertStringContainsString( 'comment_status=spam', $html );
	}

	public function test_what_spamgate_did_not_keep_is_one_line_per_address_escaped() {
		$answer  = self::list_answer( array() );
		$decoded = json_decode( $answer[1], true );

		$decoded['not_kept'] = array(
			array(
				'ip'    => '203.0.113.7',
				'count' => 3980,
			),
			array(
				'ip'    => '<b>2001:db8::1</b>',
				'count' => 2,
			),
			array(
				'ip'    => '198.51.100.1',
				'count' => 0,
			),
		);
		spamgate_test_reset( array( array( 200, json_encode( $decoded ) ) ) );
		$GLOBALS['spamgate_test']['can'] = true;
		$html                            = $this->page_html();
		$this->assertStringContainsString( '<p class="spamgate-not-kept">3,980 more from 203.0.113.7 not kept; 2 more from &lt;b&gt;2001:db8::1&lt;/b&gt; not kept.', $html );
		$this->assertStringNotContainsString( '198.51.100.1', $html );
	}

	public function test_a_partial_list_says_it_may_be_incomplete() {
		$answer             = self::list_answer( array() );
		$decoded            = json_decode( $answer[1], true );
		$decoded['partial'] = true;
		spamgate_test_reset( array( array( 200, json_encode( $decoded ) ) ) );
		$GLOBALS['spamgate_test']['can'] = true;
		$html                            = $this->page_html();
		$this->assertStringContainsString( '<div class="notice notice-warning inline spamgate-partial"><p>This list may be incomplete:', $html );
		$this->assertStringContainsString( '<table', $html );  // the node's own list still shows
	}

	public function test_a_whole_or_single_node_list_has_no_partial_notice() {
		foreach ( array( false, null, 'true', 1 ) as $partial ) {
			$answer  = self::list_answer( array() );
			$decoded = json_decode( $answer[1], true );
			if ( null !== $partial ) {
				$decoded['partial'] = $partial;
			}
			spamgate_test_reset( array( array( 200, json_encode( $decoded ) ) ) );
			$GLOBALS['spamgate_test']['can'] = true;
			$this->assertStringNotContainsString( 'spamgate-partial', $this->page_html(), var_export( $partial, true ) );
		}
	}

	public function test_a_list_without_not_kept_shows_no_such_line() {
		spamgate_test_reset( array( self::list_answer( array() ) ) );
		$GLOBALS['spamgate_test']['can'] = true;
		$this->assertStringNotContainsString( 'spamgate-not-kept', $this->page_html() );
	}

	public function test_an_empty_list_says_so() {
		spamgate_test_reset( array( self::list_answer( array() ) ) );
		$GLOBALS['spamgate_test']['can'] = true;
		$this->assertStringContainsString( 'Nothing spamgate blocked is waiting for a decision.', $this->page_html() );
	}

	public function test_the_screen_needs_moderate_comments() {
		$GLOBALS['spamgate_test']['can'] = false;
		$exit                            = $this->run_exit( 'spamgate_review_load' );
		$this->assertSame( 403, $exit->status );
		$this->assertCount( 0, $GLOBALS['spamgate_test']['requests'] );
	}

	public function test_a_bulk_action_with_a_bad_nonce_is_refused() {
		$this->post_bulk( 'not_spam', array( self::ID ), 'nonce-somewhere-else' );
		$exit = $this->run_exit( 'spamgate_review_load' );
		$this->assertSame( 'die', $exit->getMessage() );
		$this->assertSame( 403, $exit->status );
		$this->assertCount( 0, $GLOBALS['spamgate_test']['requests'] );
		$this->assertSame( array(), $GLOBALS['spamgate_test']['transient'] );
	}

	public function test_a_bulk_action_without_the_capability_is_refused() {
		$this->post_bulk( 'confirm_spam', array( self::ID ), 'nonce-bulk-spamgate_submissions' );
		$GLOBALS['spamgate_test']['can'] = false;
		$exit                            = $this->run_exit( 'spamgate_review_handle_post' );
		$this->assertSame( 'die', $exit->getMessage() );
		$this->assertSame( 403, $exit->status );
		$this->assertCount( 0, $GLOBALS['spamgate_test']['requests'] );
	}

	public function test_a_bulk_confirm_spam_decides_each_valid_id_and_returns_with_a_notice() {
		$decided = array( 200, '{"id":"x","decision":"spam","previous":null,"mailed":false,"item":null}' );
		spamgate_test_reset( array( $decided, $decided ) );
		$GLOBALS['spamgate_test']['can'] = true;
		$this->post_bulk( 'confirm_spam', array( self::ID, 'not-an-id', self::ID2, self::ID ), 'nonce-bulk-spamgate_submissions' );
		$exit = $this->run_exit( 'spamgate_review_load' );
		$this->assertSame( 'redirect', $exit->getMessage() );
		$this->assertSame( 'http://blog.example/wp-admin/edit-comments.php?page=spamgate-blocked&reason=PHARMA&paged=2', $exit->data );
		$requests = $GLOBALS['spamgate_test']['requests'];
		$this->assertCount( 2, $requests );
		$this->assertSame( 'http://127.0.0.1:8080/spamgate/submissions/' . self::ID2 . '/decision', $requests[1][0] );
		$this->assertSame( '<div class="notice notice-success spamgate-review-result"><p>2 submissions confirmed as spam.</p></div>', spamgate_review_notices_html() );
		$this->assertSame( '', spamgate_review_notices_html() );
	}

	public function test_the_bottom_selector_counts_and_a_failure_is_an_error_notice() {
		$this->post_bulk( '-1', array( self::ID ), 'nonce-bulk-spamgate_submissions' );
		$_POST['action2'] = 'not_spam';
		$this->run_exit( 'spamgate_review_handle_post' );
		$html = spamgate_review_notices_html();
		$this->assertStringContainsString( '<div class="notice notice-error spamgate-review-result"><p>1 submission could not be reviewed:</p><p>' . self::ID . ': spamgate unreachable at', $html );
	}

	public function test_a_posted_filter_becomes_a_get_url_without_any_decision() {
		$_SERVER['REQUEST_METHOD'] = 'POST';
		$_POST                     = array(
			'action'        => '-1',
			'filter_action' => 'Filter',
			'reason'        => 'LINKS_3',
			's'             => "it\\'s spam",
			'submission'    => array( self::ID ),
			'paged'         => '3',
		);
		$exit                      = $this->run_exit( 'spamgate_review_handle_post' );
		$this->assertSame( 'redirect', $exit->getMessage() );
		$this->assertSame( 'http://blog.example/wp-admin/edit-comments.php?page=spamgate-blocked&reason=LINKS_3&s=it%27s%20spam', $exit->data );
		$this->assertCount( 0, $GLOBALS['spamgate_test']['requests'] );
	}

	public function test_a_row_action_checks_capability_id_and_its_nonce_then_returns_to_the_referer_view() {
		$_GET     = array(
			'action'   => 'spamgate_review',
			'decision' => 'spam',
			'id'       => self::ID,
			'_wpnonce' => 'nonce-spamgate_review_' . self::ID2,
		);
		$_REQUEST = $_GET;
		$this->assertSame( 403, $this->run_exit( 'spamgate_review_admin_post' )->status ); // Another id's nonce.

		$GLOBALS['spamgate_test']['can'] = false;
		$_REQUEST['_wpnonce']            = 'nonce-spamgate_review_' . self::ID;
		$this->assertSame( 403, $this->run_exit( 'spamgate_review_admin_post' )->status );
		$this->assertCount( 0, $GLOBALS['spamgate_test']['requests'] );

		$GLOBALS['spamgate_test']['can'] = true;
		$_GET['decision']                = 'delete';
		$this->assertSame( 400, $this->run_exit( 'spamgate_review_admin_post' )->status );

		spamgate_test_reset( array( array( 200, '{"id":"' . self::ID . '","decision":"spam","previous":"ham","mailed":false}' ) ) );
		$GLOBALS['spamgate_test']['can']     = true;
		$GLOBALS['spamgate_test']['referer'] = 'http://blog.example/wp-admin/edit-comments.php?page=spamgate-blocked&s=pills&paged=2&evil=1';
		$_GET['decision']                    = 'spam';
		$exit                                = $this->run_exit( 'spamgate_review_admin_post' );
		$this->assertSame( 'http://blog.example/wp-admin/edit-comments.php?page=spamgate-blocked&s=pills&paged=2', $exit->data );
		$this->assertSame( '{"decision":"spam"}', $GLOBALS['spamgate_test']['requests'][0][1]['body'] );
		$this->assertStringContainsString( '1 submission confirmed as spam.', spamgate_review_notices_html() );

		$this->assertSame( 'http://blog.example/wp-admin/edit-comments.php?page=spamgate-blocked', spamgate_review_back_url( 'http://blog.example/wp-admin/index.php' ) );
	}

	public function test_the_excerpt_and_the_full_text() {
		$this->assertSame( 'a b c', spamgate_review_excerpt( "  a\n\tb   c " ) );
		$this->assertSame( str_repeat( 'é', 10 ) . "\u{2026}", spamgate_review_excerpt( str_repeat( 'é', 30 ), 10 ) );
		require_once dirname( __DIR__ ) . '/includes/class-spamgate-blocked-table.php';
		$table = new Spamgate_Blocked_Table( spamgate_review_filters( array() ) );
		$long  = $table->column_submission( self::item( self::ID, array( 'body' => str_repeat( 'word ', 100 ) ) ) );
		$this->assertStringContainsString( '<details><summary>Full text</summary>', $long );
		$this->assertStringNotContainsString( '<details>', $table->column_submission( self::item( self::ID, array( 'body' => "short\ntext" ) ) ) );
	}
}
