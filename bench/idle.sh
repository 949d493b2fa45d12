#!/usr/bin/env bash
# Idle memory of `authrs serve` on its embedded default (SQLite, database sessions): start it,
# sign the demo account in once, wait 3 s, read /proc/PID/status and smaps_rollup. Repeated
# ROUNDS times (a fresh server and data directory each); prints every round and the medians.
#
#   bench/idle.sh              # 3 rounds, the release binary (built if needed)
#   ROUNDS=5 bench/idle.sh
#   AUTHRS_BIN=/tmp/old/authrs bench/idle.sh   # another build
#   COLD=1 bench/idle.sh       # drop the page cache before each round (root): the binary is
#                              # read from disk as at a real start, so RssFile repeats better
#
# VmRSS is what the issue targets (≤ 10 MiB). RssAnon is heap, stacks and jemalloc; RssFile is
# the binary's and libraries' pages that were touched (code and read-only data).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${ROUNDS:-3}
authrs=${AUTHRS_BIN:-}
# (Not passed on: the server refuses AUTHRS_* variables that are not its settings.)
unset AUTHRS_BIN
if [ -z "$authrs" ]; then
  (cd "$root" && cargo build --release --locked -p authrs-server >&2)
  authrs=$root/target/release/authrs
fi

# shellcheck source=lib.sh
source "$root/bench/lib.sh"
bench_workdir

field() { awk -v k="$1:" '$1 == k {print $2}' "$2"; }
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

: >"$work/rows"
for round in $(seq 1 "$ROUNDS"); do
  if [ -n "${COLD:-}" ]; then
    sync
    echo 3 >/proc/sys/vm/drop_caches || { echo "COLD=1 needs root (drop_caches)" >&2; exit 1; }
  fi
  start_authrs "idle-$round"
  pid=$started_pid
  base=$started_url
  jar="$work/$round.jar"
  password=$(cat "$work/idle-$round/authrs-data/demo-password")
  csrf=$(curl -sf -c "$jar" -b "$jar" "$base/api/auth/csrf" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrfToken"])')
  curl -sf -c "$jar" -b "$jar" -o /dev/null --data-urlencode "email=demo@example.com" \
    --data-urlencode "password=$password" --data-urlencode "csrfToken=$csrf" --data "json=true" \
    "$base/api/auth/callback/email-password"
  curl -sf -b "$jar" "$base/api/auth/session" | grep -q demo@example.com || { echo "no session" >&2; exit 1; }
  sleep 3
  rss=$(field VmRSS "/proc/$pid/status")
  anon=$(field RssAnon "/proc/$pid/status")
  file=$(field RssFile "/proc/$pid/status")
  threads=$(field Threads "/proc/$pid/status")
  echo "$rss $anon $file $threads" >>"$work/rows"
  echo "round $round: VmRSS $rss KiB (anon $anon, file $file), $threads threads" >&2
  kill "$pid"
  wait "$pid" 2>/dev/null || true
done
rss=$(awk '{print $1}' "$work/rows" | median)
anon=$(awk '{print $2}' "$work/rows" | median)
file=$(awk '{print $3}' "$work/rows" | median)
echo "idle VmRSS median of $ROUNDS: $rss KiB (anon $anon KiB, file-backed $file KiB); target ≤ 10240 KiB"
