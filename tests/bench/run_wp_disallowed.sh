#!/bin/sh
# Times WordPress core's wp_check_comment_disallowed_list on the comments
# bench_scorer uses, with the 62,204-entry list; compare its µs per comment
# with bench_scorer's score/wp62k/* (list only) and score/default+wp62k/*.
# Usage: tests/bench/run_wp_disallowed.sh [BUILD_DIR]   (default: build)
case "${1:-}" in -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;; esac
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
corpus=${SPAMGATE_CORPUS_DIR:-$root/../shared/corpus}
comments=$(mktemp /tmp/spamgate-wp-comments.XXXXXX)
trap 'rm -f "$comments"' EXIT
"$build/bench_scorer" --dump_comments="$comments"
php "$root/tests/bench/wp_disallowed.php" "$comments" "$corpus/blocklists/wordpress-comment-blacklist.txt"
