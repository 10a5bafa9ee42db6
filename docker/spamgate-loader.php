<?php
/**
 * Must-use loader for the spamgate plugin: WordPress loads only the PHP
 * files at the top of mu-plugins/, so this requires the plugin's folder
 * (mounted as mu-plugins/spamgate/ by docker/compose.yaml).
 *
 * @package spamgate
 */

require __DIR__ . '/spamgate/spamgate.php';
