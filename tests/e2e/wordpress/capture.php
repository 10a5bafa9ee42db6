<?php
/**
 * Stand-in for spamgate's /spamgate/* API in the WordPress e2e test until
 * the gateway is merged: appends each request as one JSON line to the file
 * named by the CAPTURE_FILE FastCGI param and answers 202 (notify) or 200,
 * or 503 while the file CAPTURE_FILE.down exists.
 *
 * @package spamgate
 */

$file = $_SERVER['CAPTURE_FILE'];
$line = array(
	'method'        => $_SERVER['REQUEST_METHOD'],
	'uri'           => $_SERVER['REQUEST_URI'],
	'authorization' => isset( $_SERVER['HTTP_AUTHORIZATION'] ) ? $_SERVER['HTTP_AUTHORIZATION'] : '',
	'content_type'  => isset( $_SERVER['CONTENT_TYPE'] ) ? $_SERVER['CONTENT_TYPE'] : '',
	'body'          => file_get_contents( 'php://input' ),
);
file_put_contents( $file, json_encode( $line ) . "\n", FILE_APPEND | LOCK_EX );
header( 'Content-Type: application/json' );
if ( file_exists( $file . '.down' ) ) {
	http_response_code( 503 );
	echo '{"error":"down for the test"}';
} elseif ( '/spamgate/notify' === strtok( $_SERVER['REQUEST_URI'], '?' ) ) {
	http_response_code( 202 );
	echo '{"queued":true}';
} else {
	echo '{}';
}
