/*
 * spamgate: the settings screen's "Train spamgate from this site's comments"
 * button, batch by batch through admin-ajax.php (action spamgate_train_batch):
 * approved comments first, then the spam folder, with progress in
 * #spamgate-train-progress. Inlined by includes/settings.php after
 * `var spamgateTrain = {ajaxUrl, strings}`. Without JavaScript (or fetch) the
 * form posts to admin-post.php instead.
 */
( function () {
	'use strict';
	var config = window.spamgateTrain;
	var form = document.getElementById( 'spamgate-train-form' );
	var progress = document.getElementById( 'spamgate-train-progress' );
	var status = document.getElementById( 'spamgate-model-status' );
	if ( ! config || ! form || ! progress || ! window.fetch || ! window.URLSearchParams ) {
		return;
	}

	// Fills "%1$s", "%2$s", ... of a translated message.
	function format( template, values ) {
		return template.replace( /%(\d+)\$s/g, function ( match, n ) {
			return String( values[ n - 1 ] );
		} );
	}

	form.addEventListener( 'submit', function ( event ) {
		var button = form.querySelector( '[type="submit"]' );
		var nonce = form.querySelector( 'input[name="_wpnonce"]' ).value;
		var total = {
			ham: Number( form.getAttribute( 'data-ham-total' ) ) || 0,
			spam: Number( form.getAttribute( 'data-spam-total' ) ) || 0
		};
		var sent = { ham: 0, spam: 0 };

		event.preventDefault();
		if ( button.disabled ) {
			return;
		}
		button.disabled = true;

		function show( phase ) {
			progress.textContent = 'ham' === phase ?
				format( config.strings.ham, [ sent.ham, total.ham ] ) :
				format( config.strings.spam, [ sent.ham, sent.spam, total.spam ] );
		}

		function finish( message ) {
			progress.textContent = message;
			button.disabled = false;
		}

		function step( phase, offset ) {
			var body = new URLSearchParams();
			body.append( 'action', 'spamgate_train_batch' );
			body.append( '_wpnonce', nonce );
			body.append( 'phase', phase );
			body.append( 'offset', String( offset ) );
			show( phase );
			window.fetch( config.ajaxUrl, { method: 'POST', credentials: 'same-origin', body: body } )
				.then( function ( response ) {
					return response.json().catch( function () {
						throw new Error( config.strings.unknown + ' (HTTP ' + response.status + ')' );
					} );
				} )
				.then( function ( answer ) {
					var data;
					if ( ! answer || true !== answer.success ) {
						throw new Error( answer && answer.data && answer.data.message ? answer.data.message : config.strings.unknown );
					}
					data = answer.data;
					sent[ phase ] += Number( data.sent ) || 0;
					if ( status && data.status_line ) {
						status.textContent = data.status_line;
					}
					if ( ! data.next ) {
						finish( format( config.strings.done, [ sent.ham, sent.spam ] ) );
						return;
					}
					step( data.next.phase, data.next.offset );
				} )
				.catch( function ( error ) {
					finish( format( config.strings.failed, [ sent.ham, sent.spam, error.message ] ) );
				} );
		}

		step( 'ham', 0 );
	} );
}() );
