<?php
/**
 * The checks of WordPress Coding Standards' WordPress.WP.I18n sniff that
 * matter to this plugin, for phpcs without WPCS (Debian packages
 * php-codesniffer only, and WPCS is neither a Debian nor an npm package):
 * every translation call names the plugin's text domain as a literal;
 * its text, plural and context are single string literals (what xgettext
 * and translate.wordpress.org can read), not empty, not wrapped in HTML;
 * several placeholders are numbered (%1$s), never mixed; singular and
 * plural have the same placeholders; a text with placeholders has a
 * "translators:" comment right before the call. It reads the code only;
 * it never changes it.
 *
 * @package spamgate
 */

namespace Spamgate\Sniffs\WP;

use PHP_CodeSniffer\Files\File;
use PHP_CodeSniffer\Sniffs\Sniff;
use PHP_CodeSniffer\Util\Tokens;

/**
 * Spamgate.WP.I18n: translation calls as WordPress.WP.I18n wants them.
 */
class I18nSniff implements Sniff {

	/**
	 * The text domains a call may name.
	 *
	 * @var string[]
	 */
	public $text_domain = array();

	/**
	 * WordPress's translation functions and what each argument is.
	 *
	 * @var array
	 */
	private $functions = array(
		'__'         => array( 'text', 'domain' ),
		'_e'         => array( 'text', 'domain' ),
		'esc_html__' => array( 'text', 'domain' ),
		'esc_html_e' => array( 'text', 'domain' ),
		'esc_attr__' => array( 'text', 'domain' ),
		'esc_attr_e' => array( 'text', 'domain' ),
		'_x'         => array( 'text', 'context', 'domain' ),
		'_ex'        => array( 'text', 'context', 'domain' ),
		'esc_html_x' => array( 'text', 'context', 'domain' ),
		'esc_attr_x' => array( 'text', 'context', 'domain' ),
		'_n'         => array( 'single', 'plural', 'number', 'domain' ),
		'_nx'        => array( 'single', 'plural', 'number', 'context', 'domain' ),
		'_n_noop'    => array( 'single', 'plural', 'domain' ),
		'_nx_noop'   => array( 'single', 'plural', 'context', 'domain' ),
	);

	/**
	 * A printf placeholder (matched once the %% escapes are gone).
	 *
	 * @var string
	 */
	private $placeholder = '/%(\d+\$)?[+-]?(?:[ 0]|\'.)?-?\d*(?:\.\d+)?[bcdeEfFgGosuxX]/';

	/**
	 * The tokens this sniff looks at: names.
	 *
	 * @return array
	 */
	public function register() {
		return array( T_STRING );
	}

	/**
	 * Checks one call of a translation function.
	 *
	 * @param File $file The file.
	 * @param int  $name The function name's token.
	 * @return void
	 */
	public function process( File $file, $name ) {
		$tokens   = $file->getTokens();
		$function = strtolower( $tokens[ $name ]['content'] );
		if ( ! isset( $this->functions[ $function ] ) ) {
			return;
		}
		$open   = $file->findNext( Tokens::$emptyTokens, $name + 1, null, true );
		$before = $file->findPrevious( Tokens::$emptyTokens, $name - 1, null, true );
		if ( false === $open || T_OPEN_PARENTHESIS !== $tokens[ $open ]['code'] || ! isset( $tokens[ $open ]['parenthesis_closer'] )
			|| ( false !== $before && in_array( $tokens[ $before ]['code'], array( T_OBJECT_OPERATOR, T_DOUBLE_COLON, T_FUNCTION, T_NEW, T_NULLSAFE_OBJECT_OPERATOR ), true ) ) ) {
			return;
		}
		$roles     = $this->functions[ $function ];
		$arguments = $this->arguments( $file, $open );
		if ( count( $arguments ) > count( $roles ) ) {
			$file->addError( 'Too many arguments for %s().', $name, 'TooManyFunctionArgs', array( $function ) );
		}
		$texts = array();
		foreach ( $roles as $i => $role ) {
			if ( 'number' === $role ) {
				continue;
			}
			if ( ! isset( $arguments[ $i ] ) ) {
				$file->addError( 'Missing $%s argument in %s().', $name, 'MissingArg' . ucfirst( $role ), array( $role, $function ) );
				continue;
			}
			$literal = $this->literal( $tokens, $arguments[ $i ] );
			if ( null === $literal ) {
				$file->addError( 'The $%s argument of %s() must be a single string literal.', $arguments[ $i ][0], 'NonSingularStringLiteral' . ucfirst( $role ), array( $role, $function ) );
				continue;
			}
			if ( 'domain' === $role ) {
				if ( ! in_array( $literal, (array) $this->text_domain, true ) ) {
					$file->addError( 'Mismatched text domain. Expected \'%s\' but got \'%s\'.', $arguments[ $i ][0], 'TextDomainMismatch', array( implode( "' or '", (array) $this->text_domain ), $literal ) );
				}
				continue;
			}
			if ( '' === $literal ) {
				$file->addError( 'The $%s argument of %s() must not be empty.', $arguments[ $i ][0], 'NoEmptyStrings', array( $role, $function ) );
				continue;
			}
			if ( 'context' === $role ) {
				continue;
			}
			if ( 1 === preg_match( '~^\s*<([a-z][a-z0-9]*)\b[^>]*>.*</\1>\s*$~is', $literal ) ) {
				$file->addError( 'Translate the text inside the HTML, not the HTML around it: \'%s\'.', $arguments[ $i ][0], 'NoHtmlWrappedStrings', array( $literal ) );
			}
			$texts[ $role ] = array( $literal, $arguments[ $i ][0] );
		}
		$this->check_placeholders( $file, $name, $texts );
	}

	/**
	 * Placeholders: numbered when there are several, never mixed, the same
	 * in singular and plural, and explained by a translators comment.
	 *
	 * @param File  $file  The file.
	 * @param int   $name  The function name's token.
	 * @param array $texts Role => array( text, token ).
	 * @return void
	 */
	private function check_placeholders( File $file, $name, array $texts ) {
		$found = array();
		foreach ( $texts as $role => $text ) {
			preg_match_all( $this->placeholder, str_replace( '%%', '', $text[0] ), $matches );
			$found[ $role ] = $matches[0];
			$numbered       = count( array_filter( $matches[1] ) );
			if ( $numbered > 0 && $numbered < count( $matches[0] ) ) {
				$file->addError( 'Mix of numbered and unnumbered placeholders in \'%s\'.', $text[1], 'MixedOrderedPlaceholders' . ucfirst( $role ), array( $text[0] ) );
			} elseif ( 0 === $numbered && count( $matches[0] ) > 1 ) {
				$file->addError( 'Several placeholders in \'%s\' must be numbered (%%1$s, %%2$s) so translators can reorder them.', $text[1], 'UnorderedPlaceholders' . ucfirst( $role ), array( $text[0] ) );
			}
		}
		if ( isset( $found['single'], $found['plural'] ) ) {
			$single = $found['single'];
			$plural = $found['plural'];
			sort( $single );
			sort( $plural );
			if ( $single !== $plural ) {
				$file->addError( 'The singular and the plural of %s() must have the same placeholders.', $name, 'MismatchedPlaceholders', array( strtolower( $file->getTokens()[ $name ]['content'] ) ) );
			}
		}
		if ( ! empty( array_filter( $found ) ) && ! $this->has_translators_comment( $file, $name ) ) {
			$file->addError( 'A text with placeholders needs a /* translators: */ comment right before the call that says what each placeholder is.', $name, 'MissingTranslatorsComment' );
		}
	}

	/**
	 * Whether a comment starting "translators:" ends on the line before the
	 * call, or only white space separates it from the call's line.
	 *
	 * @param File $file The file.
	 * @param int  $name The function name's token.
	 * @return bool
	 */
	private function has_translators_comment( File $file, $name ) {
		$tokens  = $file->getTokens();
		$comment = $file->findPrevious( Tokens::$commentTokens, $name - 1 );
		if ( false === $comment ) {
			return false;
		}
		$next = $file->findNext( T_WHITESPACE, $comment + 1, $name, true );
		if ( $tokens[ $comment ]['line'] + 1 !== $tokens[ $name ]['line'] && false !== $next && $tokens[ $next ]['line'] !== $tokens[ $name ]['line'] ) {
			return false;
		}
		$text = '';
		for ( $i = $comment; $i >= 0 && isset( Tokens::$commentTokens[ $tokens[ $i ]['code'] ] ); --$i ) {
			$text = $tokens[ $i ]['content'] . $text;
			if ( 0 === strpos( ltrim( $tokens[ $i ]['content'] ), '/*' ) || 0 === strpos( ltrim( $tokens[ $i ]['content'] ), '//' ) ) {
				break;
			}
		}
		return 1 === preg_match( '~^\s*(?:/\*\*?|//)\s*translators:~i', $text );
	}

	/**
	 * The value of an argument that is one single-quoted or plain
	 * double-quoted string literal, or null.
	 *
	 * @param array $tokens   The file's tokens.
	 * @param array $argument The argument's tokens (no white space or comments).
	 * @return string|null
	 */
	private function literal( array $tokens, array $argument ) {
		if ( 1 !== count( $argument ) || T_CONSTANT_ENCAPSED_STRING !== $tokens[ $argument[0] ]['code'] ) {
			return null;
		}
		$quoted = $tokens[ $argument[0] ]['content'];
		$body   = substr( $quoted, 1, -1 );
		return "'" === $quoted[0] ? str_replace( array( "\\'", '\\\\' ), array( "'", '\\' ), $body ) : stripcslashes( $body );
	}

	/**
	 * A call's arguments: each the list of its tokens other than white space
	 * and comments, split at the commas outside nested brackets.
	 *
	 * @param File $file The file.
	 * @param int  $open The call's opening parenthesis.
	 * @return array List of token lists.
	 */
	private function arguments( File $file, $open ) {
		$tokens    = $file->getTokens();
		$arguments = array();
		$current   = array();
		for ( $i = $open + 1; $i < $tokens[ $open ]['parenthesis_closer']; ++$i ) {
			if ( T_COMMA === $tokens[ $i ]['code'] ) {
				$arguments[] = $current;
				$current     = array();
				continue;
			}
			if ( ! isset( Tokens::$emptyTokens[ $tokens[ $i ]['code'] ] ) ) {
				$current[] = $i;
			}
			foreach ( array( 'parenthesis_closer', 'bracket_closer', 'scope_closer' ) as $closer ) {
				if ( isset( $tokens[ $i ][ $closer ] ) && $tokens[ $i ][ $closer ] > $i && ( 'scope_closer' !== $closer || $tokens[ $i ]['scope_opener'] === $i ) ) {
					for ( $j = $i + 1; $j <= $tokens[ $i ][ $closer ]; ++$j ) {
						if ( ! isset( Tokens::$emptyTokens[ $tokens[ $j ]['code'] ] ) ) {
							$current[] = $j;
						}
					}
					$i = $tokens[ $i ][ $closer ];
					break;
				}
			}
		}
		if ( ! empty( $current ) ) {
			$arguments[] = $current;
		}
		return $arguments;
	}
}
