#!/usr/bin/env bash
# Load benchmark: `authrs serve` (release build, embedded default) against the practical ceiling
# (crates/authrs-bench: a bare axum handler doing one AES-256-GCM decrypt and encrypt of a
# similar cookie). Loopback only, bounded in time. Writes BENCHMARKS.md.
#
#   bench/run.sh                 # 10 s per scenario, 32 connections
#   DURATION=30s CONNECTIONS=64 bench/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
OUT=${OUT:-$root/BENCHMARKS.md}

if ! command -v wrk >/dev/null 2>&1; then
  sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq wrk
fi

(cd "$root" && cargo build --release --locked -p authrs-server -p authrs-bench)
authrs="$root/target/release/authrs"
ceiling="$root/target/release/authrs-bench-ceiling"

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# Waits for "listening on http://ADDR" in a log file and prints the base URL.
wait_for_url() {
  local log=$1
  for _ in $(seq 1 200); do
    url=$(grep -o 'listening on http://[0-9.:]*' "$log" 2>/dev/null | head -n1 | sed 's/listening on //') || true
    [ -n "$url" ] && { echo "$url"; return; }
    sleep 0.05
  done
  echo "server did not start; log:" >&2; cat "$log" >&2; exit 1
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)

# run NAME PID URL [COOKIE]: one wrk run; appends a table row to $work/rows.
run() {
  local name=$1 pid=$2 url=$3 cookie=${4:-}
  local args=(-t1 "-c$CONNECTIONS" "-d$DURATION" --latency)
  [ -n "$cookie" ] && args+=(-H "Cookie: $cookie")
  wrk "${args[@]}" "$url" >/dev/null 2>&1 # warm-up pass is the same length; discard it
  local before after out
  before=$(cpu_ticks "$pid")
  out=$(wrk "${args[@]}" "$url")
  after=$(cpu_ticks "$pid")
  local rps p50 p99 requests errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")
  local cpu_us
  cpu_us=$(awk -v t="$((after - before))" -v hz="$hz" -v n="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
  printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$rps" "$p50" "$p99" "$cpu_us" "${errors:-0}" >>"$work/rows"
  echo "$rps" >"$work/rps-$(tr ' /' '__' <<<"$name")"
  echo "$name: $rps req/s, p50 $p50, p99 $p99, $cpu_us µs CPU/request" >&2
}

# --- authrs serve on its embedded default
mkdir -p "$work/authrs"
(cd "$work/authrs" && RUST_LOG=info exec "$authrs" serve --bind 127.0.0.1:0 >"$work/authrs.log" 2>&1) &
pids+=($!)
base=$(wait_for_url "$work/authrs.log")
authrs_pid=$(pgrep -n -f "$authrs serve --bind 127.0.0.1:0")
password=$(cat "$work/authrs/authrs-data/demo-password")

jar="$work/jar"
csrf=$(curl -sf -c "$jar" -b "$jar" "$base/api/auth/csrf" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrfToken"])')
curl -sf -c "$jar" -b "$jar" -o /dev/null \
  --data-urlencode "csrfToken=$csrf" --data-urlencode "username=demo" --data-urlencode "password=$password" \
  --data "json=true" "$base/api/auth/callback/credentials"
session_cookie=$(awk '$6 == "next-auth.session-token" {print $6 "=" $7}' "$jar")
csrf_cookie=$(awk '$6 == "next-auth.csrf-token" {print $6 "=" $7}' "$jar")
[ -n "$session_cookie" ] || { echo "sign-in failed" >&2; exit 1; }
curl -sf -b "$session_cookie" "$base/api/auth/session" | grep -q '"user"' || { echo "no session" >&2; exit 1; }
busy_rss=$(rss_kib "$authrs_pid")
# Idle: at rest after start-up and one sign-in. The allocator (jemalloc) returns freed memory,
# such as argon2's 19 MiB working area, after a second without use (.cargo/config.toml).
sleep 3
idle_rss=$(rss_kib "$authrs_pid")

: >"$work/rows"
run "authrs /session (no cookie)" "$authrs_pid" "$base/api/auth/session"
run "authrs /csrf" "$authrs_pid" "$base/api/auth/csrf" "$csrf_cookie"
run "authrs /providers" "$authrs_pid" "$base/api/auth/providers"

# --- the ceiling, measured in alternation with /session: this machine's speed drifts by several
# per cent from minute to minute, so the ratio is taken per round and the median reported.
"$ceiling" 127.0.0.1:0 >"$work/ceiling.log" 2>&1 &
pids+=($!)
ceiling_pid=$!
ceiling_url=$(wait_for_url "$work/ceiling.log")
ceiling_cookie=$(sed -n 's/^cookie: //p' "$work/ceiling.log")
curl -sf -b "$ceiling_cookie" "$ceiling_url/api/auth/session" | grep -q '"sub"' || { echo "ceiling broken" >&2; exit 1; }

ROUNDS=${ROUNDS:-3}
: >"$work/ratios"
for round in $(seq 1 "$ROUNDS"); do
  run "authrs /session (JWT cookie), round $round" "$authrs_pid" "$base/api/auth/session" "$session_cookie"
  run "ceiling: axum + AES-256-GCM decrypt/encrypt, round $round" "$ceiling_pid" "$ceiling_url/api/auth/session" "$ceiling_cookie"
  session_rps=$(cat "$work/rps-authrs__session_(JWT_cookie),_round_$round")
  ceiling_rps=$(cat "$work/rps-ceiling:_axum_+_AES-256-GCM_decrypt_encrypt,_round_$round")
  awk -v a="$session_rps" -v b="$ceiling_rps" 'BEGIN {printf "%.2f\n", a / b}' >>"$work/ratios"
done
loaded_rss=$(hwm_kib "$authrs_pid")
ratio=$(sort -n "$work/ratios" | awk '{r[NR] = $1} END {print r[int((NR + 1) / 2)]}')
ratios=$(paste -sd' ' "$work/ratios")
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')

{
  echo "# Benchmarks"
  echo
  echo "Recorded by \`bench/run.sh\` on $(date -u +%Y-%m-%d) ($(nproc) cores, $cpu)."
  echo "Load: \`wrk -t1 -c$CONNECTIONS -d$DURATION --latency\` on loopback after an equal warm-up run;"
  echo "the server and wrk share the machine. CPU per request is the server process's user+system"
  echo "time over the run divided by the requests served."
  echo
  echo "Rerun: \`bench/run.sh\` (or \`DURATION=30s CONNECTIONS=64 bench/run.sh\`)."
  echo
  echo "| scenario | req/s | p50 | p99 | server CPU µs/request | non-2xx |"
  echo "|---|---|---|---|---|---|"
  cat "$work/rows"
  echo
  echo "**\`/session\` with a JWT at $ratio× the ceiling** (median of $ROUNDS alternating rounds: $ratios; target ≥ 0.8×)."
  echo
  echo "| memory (authrs serve) | KiB |"
  echo "|---|---|"
  echo "| RSS right after start-up and one sign-in (argon2's 19 MiB still held) | $busy_rss |"
  echo "| idle RSS: 3 s later, at rest | $idle_rss |"
  echo "| peak RSS (VmHWM) after the runs | $loaded_rss |"
  echo
  echo "Idle RSS target ≤ 10 MiB (10240 KiB)."
} >"$OUT"
echo "wrote $OUT" >&2
cat "$OUT"
