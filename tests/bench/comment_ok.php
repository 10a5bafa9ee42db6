<?php
// scripts/bench: the "small PHP script" PHP-FPM serves for the pass-through
// measurement, directly and behind spamgate: reads the posted comment and
// answers 200 with a line of text. Never used outside the benchmarks.
$comment = isset($_POST['comment']) ? $_POST['comment'] : '';
$verdict = isset($_SERVER['SPAMGATE_VERDICT']) ? $_SERVER['SPAMGATE_VERDICT'] : 'none';
header('Content-Type: text/plain; charset=utf-8');
echo 'received ', strlen($comment), " bytes, verdict ", $verdict, "\n";
