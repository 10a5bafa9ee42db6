<?php
/**
 * spamgate: the checks of spamgate's answers, one per endpoint. Each takes
 * the decoded JSON and gives it a fixed shape (every field present, of its
 * type) or null when it is malformed; nothing else in the plugin reads
 * spamgate's JSON. Spamgate_Api::call() runs them. Pure: no WordPress
 * calls, no I/O.
 *
 * @package spamgate
 */

/**
 * Submissions per page on the Blocked by spamgate screen (spamgate allows up to 100).
 */
define( 'SPAMGATE_REVIEW_PER_PAGE', 20 );

/**
 * The shapes of spamgate's answers.
 */
class Spamgate_Api_Answers {

	/**
	 * True for a submission id as spamgate makes them: 16 lower-case hex digits.
	 *
	 * @param mixed $id Anything.
	 * @return bool
	 */
	public static function is_submission_id( $id ) {
		return is_string( $id ) && 1 === preg_match( '/^[0-9a-f]{16}$/', $id );
	}

	/**
	 * GET /spamgate/stats: {days: [{date, pass, hold, reject, discard}],
	 * top_rules: [{rule, hits}], foreign_bounces_7d, forged_bounces_7d}.
	 * Unknown keys are ignored; a missing count is 0.
	 *
	 * @param mixed $data The decoded answer.
	 * @return array|null array( 'days', 'top_rules', 'foreign_bounces_7d', 'forged_bounces_7d' ).
	 */
	public static function stats( $data ) {
		if ( ! is_array( $data ) || ! isset( $data['days'] ) || ! is_array( $data['days'] ) ) {
			return null;
		}
		$days = array();
		foreach ( $data['days'] as $day ) {
			if ( ! is_array( $day ) || ! isset( $day['date'] ) || ! is_string( $day['date'] ) ) {
				return null;
			}
			$row = array( 'date' => $day['date'] );
			foreach ( array( 'pass', 'hold', 'reject', 'discard' ) as $key ) {
				$row[ $key ] = isset( $day[ $key ] ) ? (int) $day[ $key ] : 0;
			}
			$days[] = $row;
		}
		$rules = array();
		$top   = ( isset( $data['top_rules'] ) && is_array( $data['top_rules'] ) ) ? $data['top_rules'] : array();
		foreach ( $top as $rule ) {
			if ( is_array( $rule ) && isset( $rule['rule'] ) && is_string( $rule['rule'] ) ) {
				$rules[] = array(
					'rule' => $rule['rule'],
					'hits' => isset( $rule['hits'] ) ? (int) $rule['hits'] : 0,
				);
			}
		}
		return array(
			'days'               => $days,
			'top_rules'          => $rules,
			'foreign_bounces_7d' => isset( $data['foreign_bounces_7d'] ) ? max( 0, (int) $data['foreign_bounces_7d'] ) : 0,
			'forged_bounces_7d'  => isset( $data['forged_bounces_7d'] ) ? max( 0, (int) $data['forged_bounces_7d'] ) : 0,
		);
	}

	/**
	 * The learner's status (GET /spamgate/model, and "model" in
	 * POST /spamgate/train's answer): {spam, ham, min_per_class, active, updated_at}.
	 *
	 * @param mixed $data The decoded object.
	 * @return array|null array( 'spam', 'ham', 'min_per_class', 'active', 'updated_at' ).
	 */
	public static function model( $data ) {
		if ( ! is_array( $data ) ) {
			return null;
		}
		foreach ( array( 'spam', 'ham', 'min_per_class' ) as $key ) {
			if ( ! isset( $data[ $key ] ) || ! is_numeric( $data[ $key ] ) ) {
				return null;
			}
		}
		return array(
			'spam'          => (int) $data['spam'],
			'ham'           => (int) $data['ham'],
			'min_per_class' => (int) $data['min_per_class'],
			'active'        => ! empty( $data['active'] ),
			'updated_at'    => isset( $data['updated_at'] ) ? (int) $data['updated_at'] : 0,
		);
	}

	/**
	 * POST /spamgate/train: {stored, replaced, model}.
	 *
	 * @param mixed $data The decoded answer.
	 * @return array|null array( 'stored', 'replaced', 'model' => from model() or null ).
	 */
	public static function trained( $data ) {
		if ( ! is_array( $data ) || ! isset( $data['stored'] ) ) {
			return null;
		}
		return array(
			'stored'   => (int) $data['stored'],
			'replaced' => isset( $data['replaced'] ) ? (int) $data['replaced'] : 0,
			'model'    => self::model( isset( $data['model'] ) ? $data['model'] : null ),
		);
	}

	/**
	 * POST /spamgate/rules/try: 200 with the report ({rules: [...], ...},
	 * kept as spamgate sent it; the screen reads it field by field), or 400
	 * with the candidate lines' errors ({errors: ["candidate:LINE: message"]}).
	 *
	 * @param mixed $data   The decoded answer.
	 * @param int   $status 200 or 400.
	 * @return array|null array( 'report' => array|null, 'errors' => string[] ).
	 */
	public static function rules_tried( $data, $status ) {
		if ( 200 === $status && is_array( $data ) && isset( $data['rules'] ) && is_array( $data['rules'] ) ) {
			return array(
				'report' => $data,
				'errors' => array(),
			);
		}
		if ( 400 === $status && is_array( $data ) && isset( $data['errors'] ) && is_array( $data['errors'] ) ) {
			return array(
				'report' => null,
				'errors' => array_map( 'strval', array_values( $data['errors'] ) ),
			);
		}
		return null;
	}

	/**
	 * One submission (ITEM) with a fixed shape: every field present, strings
	 * as strings, post_id, parent, decision and decided_at null when absent;
	 * a form plugin's submission (kind 'form') also has its form (spamgate's
	 * "form": {name, id, container} as form_name: the preset, e.g. cf7;
	 * form_id; form_page: the post it was shown on) and every field it sent
	 * ("fields").
	 *
	 * @param mixed $data The decoded JSON object.
	 * @return array|null The item, or null when it has no valid id.
	 */
	public static function submission( $data ) {
		if ( ! is_array( $data ) || ! isset( $data['id'] ) || ! self::is_submission_id( $data['id'] ) ) {
			return null;
		}
		$hits = array();
		if ( isset( $data['hits'] ) && is_array( $data['hits'] ) ) {
			foreach ( $data['hits'] as $hit ) {
				if ( ! is_array( $hit ) || '' === self::text( $hit, 'rule' ) ) {
					continue;
				}
				$hits[] = array(
					'rule'        => self::text( $hit, 'rule' ),
					'score'       => isset( $hit['score'] ) && is_numeric( $hit['score'] ) ? (float) $hit['score'] : 0.0,
					'detail'      => self::text( $hit, 'detail' ),
					'description' => self::text( $hit, 'description' ),
				);
			}
		}
		$action   = self::text( $data, 'action' );
		$decision = self::text( $data, 'decision' );
		$form     = isset( $data['form'] ) && is_array( $data['form'] ) ? $data['form'] : array();
		return array(
			'id'         => $data['id'],
			'created_at' => (int) self::int_or_null( $data, 'created_at' ),
			'endpoint'   => self::text( $data, 'endpoint' ),
			'kind'       => preg_replace( '/[^a-z_]/', '', self::text( $data, 'kind' ) ),
			'ip'         => self::text( $data, 'ip' ),
			'user_agent' => self::text( $data, 'user_agent' ),
			'action'     => in_array( $action, array( 'hold', 'reject', 'discard' ), true ) ? $action : '',
			'score'      => isset( $data['score'] ) && is_numeric( $data['score'] ) ? (float) $data['score'] : 0.0,
			'rules'      => self::text( $data, 'rules' ),
			'hits'       => $hits,
			'author'     => self::text( $data, 'author' ),
			'email'      => self::text( $data, 'email' ),
			'url'        => self::text( $data, 'url' ),
			'subject'    => self::text( $data, 'subject' ),
			'body'       => self::text( $data, 'body' ),
			'post_id'    => self::int_or_null( $data, 'post_id' ),
			'parent'     => self::int_or_null( $data, 'parent' ),
			'decision'   => in_array( $decision, array( 'ham', 'spam' ), true ) ? $decision : null,
			'decided_at' => self::int_or_null( $data, 'decided_at' ),
			'form_name'  => preg_replace( '/[^A-Za-z0-9_\-]/', '', self::text( $form, 'name' ) ),
			'form_id'    => self::text( $form, 'id' ),
			'form_page'  => self::int_or_null( $form, 'container' ),
			'fields'     => self::form_fields( isset( $data['fields'] ) ? $data['fields'] : null ),
		);
	}

	/**
	 * The fields of a form submission: a list of [name, value] pairs, a list
	 * of {name, value} objects, or one object of name => value. Names and
	 * values as strings, in the order sent.
	 *
	 * @param mixed $raw The item's "fields".
	 * @return array List of array( name, value ).
	 */
	public static function form_fields( $raw ) {
		$fields = array();
		if ( ! is_array( $raw ) ) {
			return $fields;
		}
		$is_list = array_keys( $raw ) === range( 0, count( $raw ) - 1 );
		foreach ( $raw as $key => $entry ) {
			if ( ! $is_list ) {
				$pair = array( $key, $entry );
			} elseif ( is_array( $entry ) && isset( $entry['name'] ) ) {
				$pair = array( $entry['name'], isset( $entry['value'] ) ? $entry['value'] : '' );
			} elseif ( is_array( $entry ) && 2 === count( $entry ) && isset( $entry[0] ) && array_key_exists( 1, $entry ) ) {
				$pair = $entry;
			} else {
				continue;
			}
			if ( is_scalar( $pair[0] ) && '' !== (string) $pair[0] && ( is_scalar( $pair[1] ) || null === $pair[1] ) ) {
				$fields[] = array( (string) $pair[0], (string) $pair[1] );
			}
		}
		return $fields;
	}

	/**
	 * GET /spamgate/submissions: {items, total, page, per_page, reasons:
	 * [{rule, description, count}], not_kept: [{ip, count}], partial}.
	 * partial is true only when several spamgate nodes share their state and
	 * the one asked could list only what it blocked itself.
	 *
	 * @param mixed $data The decoded answer.
	 * @return array|null array( 'items', 'total', 'page', 'per_page', 'reasons', 'not_kept', 'partial' ).
	 */
	public static function submission_list( $data ) {
		if ( ! is_array( $data ) || ! isset( $data['items'] ) || ! is_array( $data['items'] ) ) {
			return null;
		}
		$items = self::submissions( $data['items'] );
		if ( null === $items ) {
			return null;
		}
		$reasons = array();
		if ( isset( $data['reasons'] ) && is_array( $data['reasons'] ) ) {
			foreach ( $data['reasons'] as $reason ) {
				if ( is_array( $reason ) && '' !== self::text( $reason, 'rule' ) ) {
					$reasons[] = array(
						'rule'        => self::text( $reason, 'rule' ),
						'description' => self::text( $reason, 'description' ),
						'count'       => isset( $reason['count'] ) ? (int) $reason['count'] : 0,
					);
				}
			}
		}
		$not_kept = array();
		foreach ( isset( $data['not_kept'] ) && is_array( $data['not_kept'] ) ? $data['not_kept'] : array() as $dropped ) {
			if ( is_array( $dropped ) && '' !== self::text( $dropped, 'ip' ) && isset( $dropped['count'] ) && (int) $dropped['count'] > 0 ) {
				$not_kept[] = array(
					'ip'    => self::text( $dropped, 'ip' ),
					'count' => (int) $dropped['count'],
				);
			}
		}
		return array(
			'not_kept' => $not_kept,
			'items'    => $items,
			'total'    => isset( $data['total'] ) && is_numeric( $data['total'] ) ? max( 0, (int) $data['total'] ) : count( $items ),
			'page'     => isset( $data['page'] ) && is_numeric( $data['page'] ) ? max( 1, (int) $data['page'] ) : 1,
			'per_page' => isset( $data['per_page'] ) && is_numeric( $data['per_page'] ) ? max( 1, (int) $data['per_page'] ) : SPAMGATE_REVIEW_PER_PAGE,
			'reasons'  => $reasons,
			'partial'  => isset( $data['partial'] ) && true === $data['partial'],
		);
	}

	/**
	 * POST /spamgate/submissions/{id}/decision: {previous, mailed, item}.
	 *
	 * @param mixed $data The decoded answer.
	 * @return array|null array( 'previous' => null|'ham'|'spam', 'mailed' => bool, 'item' => from submission() or null ).
	 */
	public static function decided( $data ) {
		if ( ! is_array( $data ) ) {
			return null;
		}
		$previous = self::text( $data, 'previous' );
		return array(
			'previous' => in_array( $previous, array( 'ham', 'spam' ), true ) ? $previous : null,
			'mailed'   => ! empty( $data['mailed'] ),
			'item'     => self::submission( isset( $data['item'] ) ? $data['item'] : null ),
		);
	}

	/**
	 * GET /spamgate/personal-data: {submissions: [ITEM], decisions: [{id,
	 * created_at, submission_id, comment_id, decision, author, email, url,
	 * ip, body, kind, subject, source}], mails: [{id, created_at, kind,
	 * status, subject, sent_at, message}]} (mails: the outbox's messages
	 * that mention the address, e.g. a contact message).
	 *
	 * @param mixed $data The decoded answer.
	 * @return array|null array( 'submissions' => items, 'decisions' => list, 'mails' => list ).
	 */
	public static function personal_data( $data ) {
		if ( ! is_array( $data ) || ! isset( $data['submissions'], $data['decisions'] ) || ! is_array( $data['submissions'] ) || ! is_array( $data['decisions'] ) ) {
			return null;
		}
		$submissions = self::submissions( $data['submissions'] );
		$decisions = self::records( $data['decisions'], array( 'created_at', 'comment_id' ), array( 'submission_id', 'decision', 'author', 'email', 'url', 'ip', 'body', 'kind', 'subject', 'source' ) );
		$mails     = self::records( isset( $data['mails'] ) && is_array( $data['mails'] ) ? $data['mails'] : array(), array( 'created_at' ), array( 'kind', 'status', 'subject', 'message' ) );
		if ( null === $submissions || null === $decisions || null === $mails ) {
			return null;
		}
		return array(
			'submissions' => $submissions,
			'decisions'   => $decisions,
			'mails'       => $mails,
		);
	}

	/**
	 * POST /spamgate/personal-data/erase: {submissions_erased,
	 * decisions_erased, mails_erased}.
	 *
	 * @param mixed $data The decoded answer.
	 * @return array|null array( 'submissions', 'decisions', 'mails' ) counts.
	 */
	public static function erased( $data ) {
		if ( ! is_array( $data ) || ! isset( $data['submissions_erased'], $data['decisions_erased'] ) ) {
			return null;
		}
		return array(
			'submissions' => max( 0, (int) $data['submissions_erased'] ),
			'decisions'   => max( 0, (int) $data['decisions_erased'] ),
			'mails'       => isset( $data['mails_erased'] ) ? max( 0, (int) $data['mails_erased'] ) : 0,
		);
	}

	/**
	 * A list of submissions, each checked by submission().
	 *
	 * @param array $list The decoded list.
	 * @return array|null The items, or null when one is malformed.
	 */
	private static function submissions( array $list ) {
		$items = array();
		foreach ( $list as $raw ) {
			$item = self::submission( $raw );
			if ( null === $item ) {
				return null;
			}
			$items[] = $item;
		}
		return $items;
	}

	/**
	 * A list of records with an id, integer fields (0 when absent) and string fields.
	 *
	 * @param array $list    The decoded list.
	 * @param array $numbers The integer fields.
	 * @param array $texts   The string fields.
	 * @return array|null List of array( 'id', ...numbers, ...texts ), or null when one has no id.
	 */
	private static function records( array $list, array $numbers, array $texts ) {
		$records = array();
		foreach ( $list as $raw ) {
			if ( ! is_array( $raw ) || ! isset( $raw['id'] ) || ! is_scalar( $raw['id'] ) ) {
				return null;
			}
			$record = array( 'id' => (string) $raw['id'] );
			foreach ( $numbers as $key ) {
				$record[ $key ] = (int) self::int_or_null( $raw, $key );
			}
			foreach ( $texts as $key ) {
				$record[ $key ] = self::text( $raw, $key );
			}
			$records[] = $record;
		}
		return $records;
	}

	/**
	 * A string field of a decoded JSON object: '' when missing, null or not scalar.
	 *
	 * @param array  $data The object.
	 * @param string $key  The field.
	 * @return string
	 */
	private static function text( array $data, $key ) {
		return isset( $data[ $key ] ) && is_scalar( $data[ $key ] ) ? (string) $data[ $key ] : '';
	}

	/**
	 * An integer field of a decoded JSON object that may be null.
	 *
	 * @param array  $data The object.
	 * @param string $key  The field.
	 * @return int|null
	 */
	private static function int_or_null( array $data, $key ) {
		return isset( $data[ $key ] ) && is_numeric( $data[ $key ] ) ? (int) $data[ $key ] : null;
	}
}
