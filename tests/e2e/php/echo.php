<?php
// Test script for the e2e tests: answers with JSON describing everything PHP
// received, so a test can check what a web server or spamgate forwarded.
// Never used outside tests.
//
// Query-string controls (all optional, combinable):
//   sleep_ms=N             sleep N milliseconds before any output
//   status=N               answer with HTTP status N
//   redirect=URL           "Location: URL" with status 302 (status= overrides the code)
//   set_cookie[NAME]=VAL   one "Set-Cookie: NAME=VAL; Path=/" header per entry (repeatable)
//   header[]=Name: value   extra raw response header lines (repeatable)
//   stderr=TEXT            error_log(TEXT): PHP-FPM sends it as a FastCGI STDERR record
//   pad=N                  add "pad": N times "x" to the JSON (large responses)
//   ini[]=NAME             add "ini": {NAME: ini_get(NAME)} (repeatable)
//
// Response body (application/json):
//   server   every $_SERVER entry (the FastCGI params plus PHP's own)
//   get, post, cookie      $_GET, $_POST, $_COOKIE
//   files    $_FILES as {field: {name, type, size, error}}
//   body     php://input (invalid UTF-8 replaced by U+FFFD; empty for multipart)
//   body_length, body_sha256   of the raw body, exact for binary bodies

if (isset($_GET['sleep_ms'])) {
    usleep((int)$_GET['sleep_ms'] * 1000);
}
if (isset($_GET['redirect'])) {
    header('Location: ' . $_GET['redirect'], true, 302);
}
if (isset($_GET['status'])) {
    http_response_code((int)$_GET['status']);
}
if (isset($_GET['set_cookie']) && is_array($_GET['set_cookie'])) {
    foreach ($_GET['set_cookie'] as $name => $value) {
        header('Set-Cookie: ' . $name . '=' . $value . '; Path=/', false);
    }
}
if (isset($_GET['header']) && is_array($_GET['header'])) {
    foreach ($_GET['header'] as $line) {
        header($line, false);
    }
}
if (isset($_GET['stderr'])) {
    error_log($_GET['stderr']);
}

$body = file_get_contents('php://input');
$files = [];
foreach ($_FILES as $field => $file) {
    $files[$field] = [
        'name' => $file['name'],
        'type' => $file['type'],
        'size' => $file['size'],
        'error' => $file['error'],
    ];
}
$answer = [
    'server' => $_SERVER,
    'get' => $_GET,
    'post' => $_POST,
    'cookie' => $_COOKIE,
    'files' => $files,
    'body' => $body,
    'body_length' => strlen($body),
    'body_sha256' => hash('sha256', $body),
];
if (isset($_GET['ini']) && is_array($_GET['ini'])) {
    $answer['ini'] = [];
    foreach ($_GET['ini'] as $name) {
        $answer['ini'][$name] = ini_get($name);
    }
}
if (isset($_GET['pad'])) {
    $answer['pad'] = str_repeat('x', (int)$_GET['pad']);
}

header('Content-Type: application/json');
echo json_encode($answer, JSON_INVALID_UTF8_SUBSTITUTE | JSON_UNESCAPED_SLASHES | JSON_PRETTY_PRINT), "\n";
