/*
 * spamgate: a form token no page cache can spoil. On the first interaction
 * with a protected form (focus, input or a pointer press inside it, its
 * submit button excepted), asks spamgate once for a fresh signed token
 * (GET config.url, answered by spamgate itself with Cache-Control: no-store:
 * {field, token, honeypot, max_age_seconds}) and writes it, and the
 * honeypot field spamgate names, into every protected form
 * on the page: the hidden inputs go inside each <form>, so a plugin that
 * submits new FormData(form) (Contact Form 7) sends them. Until the answer
 * comes, and without JavaScript, the token the server rendered stays.
 * Inlined by includes/form-token.php after
 * `var spamgateFormToken = {url, tokenField, honeypotField, forms}`.
 * It holds no secret and never sends anything but that one GET.
 */
( function () {
	'use strict';
	var config = window.spamgateFormToken;
	if ( ! config || ! window.fetch || ! document.querySelectorAll ) {
		return;
	}
	var requested = false;

	// Every protected form: one that carries a token field, or one of the
	// form plugins' forms (config.forms, a CSS selector list).
	function protectedForms() {
		var found = [];
		var forms = document.querySelectorAll( 'form' );
		for ( var i = 0; i < forms.length; i++ ) {
			var form = forms[ i ];
			if ( form.querySelector( 'input[name="' + config.tokenField + '"]' ) || ( config.forms && form.matches( config.forms ) ) ) {
				found.push( form );
			}
		}
		return found;
	}

	// The form's input named `name`, made (hidden, or the honeypot's
	// off-screen text input) when the server rendered none.
	function field( form, name, honeypot ) {
		var input = form.querySelector( 'input[name="' + name + '"]' );
		if ( input ) {
			return input;
		}
		input = document.createElement( 'input' );
		input.name = name;
		if ( honeypot ) {
			input.type = 'text';
			input.tabIndex = -1;
			input.autocomplete = 'off';
			input.setAttribute( 'aria-hidden', 'true' );
			input.style.cssText = 'position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden';
		} else {
			input.type = 'hidden';
		}
		form.appendChild( input );
		return input;
	}

	function fill( answer ) {
		if ( ! answer || typeof answer.token !== 'string' || answer.token === '' ) {
			return;
		}
		var tokenField = typeof answer.field === 'string' && answer.field ? answer.field : config.tokenField;
		var honeypotField = typeof answer.honeypot === 'string' ? answer.honeypot : config.honeypotField;
		protectedForms().forEach( function ( form ) {
			field( form, tokenField, false ).value = answer.token;
			if ( honeypotField ) {
				field( form, honeypotField, true );
			}
			form.setAttribute( 'data-spamgate-token', 'fresh' );
		} );
	}

	function request() {
		if ( requested ) {
			return;
		}
		requested = true;
		fetch( config.url, { method: 'GET', cache: 'no-store', credentials: 'omit', headers: { Accept: 'application/json' } } )
			.then( function ( response ) {
				return response.ok ? response.json() : null;
			} )
			.then( fill )
			.catch( function () {} ); // The server-rendered token stays.
	}

	function onInteraction( event ) {
		var target = event.target;
		if ( requested || ! target || ! target.closest ) {
			return;
		}
		var form = target.closest( 'form' );
		if ( ! form || protectedForms().indexOf( form ) < 0 ) {
			return;
		}
		// The submit button is no interaction to wait for: the form goes
		// now, with the token it has (a fresh one would count as TOO_FAST).
		if ( target.closest( '[type="submit"]' ) ) {
			return;
		}
		request();
	}

	[ 'focusin', 'input', 'pointerdown' ].forEach( function ( type ) {
		document.addEventListener( type, onInteraction, true );
	} );
}() );
