#!/usr/bin/env bash
# Abuse-limit benchmark (issue 12), with the release `authrs` binary and the load client
# crates/authrs-bench/src/abuse.rs (`authrs-bench-abuse`). Loopback only, bounded in time.
#
# 1. Code flood: one client posts wrong one-time codes to `/api/auth/callback/email`, a distinct
#    address each time, from source addresses 127.1.x.y (a new one every 25 requests, under the
#    per-network limit of 30), for DURATION seconds: every attempt adds keys to the in-memory
#    limit store (capped at 65,536). Measured: the server's VmRSS before (after one warm-up
#    request), at the end and 3 s after, and `GET /api/auth/csrf` req/s alone and during the
#    flood. Targets: RSS growth under 20 MiB; `/csrf` during the flood at least half its rate
#    alone.
# 2. Reset-request timing: `POST /api/auth/account/reset-password-request` for the demo account
#    and for an unknown address, interleaved, SAMPLES each, on a second server started with the
#    mail limits off (AUTHRS_EMAIL_MAX_PER_ADDRESS=0, AUTHRS_EMAIL_MAX_PER_CLIENT=0) so that every
#    request is answered 200. Target: medians equal within noise.
#
# Replaces the section "## Abuse limits (bench/abuse.sh)" of BENCHMARKS.md (appends it when
# missing). bench/run.sh rewrites BENCHMARKS.md whole: rerun this after it.
#
#   bench/abuse.sh                  # 60 s flood, 16 connections, 150 timing samples per address
#   DURATION=20 bench/abuse.sh      # a shorter flood
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-16}
RATE_SECONDS=${RATE_SECONDS:-10}
RATE_CONNECTIONS=${RATE_CONNECTIONS:-4}
SAMPLES=${SAMPLES:-150}
OUT=${OUT:-$root/BENCHMARKS.md}
# `/csrf` during the flood is measured from RATE_AT seconds into it (default: its last part,
# when the limit store has filled), after 1 s of warm-up that is not counted.
RATE_AT=${RATE_AT:-$((DURATION - RATE_SECONDS - 5))}
SECTION="## Abuse limits (bench/abuse.sh)"

for v in DURATION CONNECTIONS RATE_SECONDS RATE_CONNECTIONS SAMPLES RATE_AT; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "$v must be a whole number, not ${!v}" >&2; exit 2; }
done
((DURATION >= 1 && DURATION <= 600)) || { echo "DURATION must be 1 to 600 seconds" >&2; exit 2; }
((RATE_AT + RATE_SECONDS + 1 <= DURATION)) ||
  { echo "the flood (DURATION=$DURATION) must outlast RATE_AT + RATE_SECONDS + 1 s" >&2; exit 2; }

command=bench/abuse.sh
for v in DURATION CONNECTIONS RATE_SECONDS RATE_CONNECTIONS SAMPLES; do
  case "$v=${!v}" in
    DURATION=60 | CONNECTIONS=16 | RATE_SECONDS=10 | RATE_CONNECTIONS=4 | SAMPLES=150) ;;
    *) command="$v=${!v} $command" ;;
  esac
done

(cd "$root" && cargo build --release --locked -p authrs-server -p authrs-bench)
authrs="$root/target/release/authrs"
abuse="$root/target/release/authrs-bench-abuse"

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# wait_for_url and start_authrs.
# shellcheck source=lib.sh
source "$root/bench/lib.sh"

# stop PID: ends one process this script started and forgets it (so cleanup never signals a
# reused id).
stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  forget "$1"
}
forget() {
  local kept=() p
  for p in "${pids[@]}"; do [ "$p" = "$1" ] || kept+=("$p"); done
  pids=("${kept[@]}")
}
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
now() { date +%s.%N; }
# cores TICKS_BEFORE TICKS_AFTER START END: the CPU a process used over a span, in cores.
cores() { awk -v t="$(($2 - $1))" -v hz="$hz" -v a="$3" -v b="$4" 'BEGIN {printf "%.2f", t / hz / (b - a)}'; }
# client_cores FILE SECONDS: a load client's own CPU (its `client cpu s`) over its run, in cores.
client_cores() { awk -v c="$(field "$1" "client cpu s")" -v s="$2" 'BEGIN {printf "%.2f", c / s}'; }
# field FILE NAME: the value of the line "NAME: value" of FILE.
field() { awk -v k="$2" 'index($0, k ": ") == 1 {print substr($0, length(k) + 3); exit}' "$1"; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# --- 1. code flood ---------------------------------------------------------------------------
start_authrs flood
flood_pid=$started_pid
base=$started_url

echo "/csrf alone, $RATE_SECONDS s" >&2
alone_t0=$(now)
alone_c0=$(cpu_ticks "$flood_pid")
"$abuse" rate --url "$base" --seconds "$RATE_SECONDS" --path /api/auth/csrf \
  --connections "$RATE_CONNECTIONS" >"$work/rate-alone.txt"
alone_server_cores=$(cores "$alone_c0" "$(cpu_ticks "$flood_pid")" "$alone_t0" "$(now)")

# One warm-up request of the flood's kind, from 127.0.0.1 (a wrong code: 403).
jar="$work/warmup.jar"
csrf=$(curl -sf -c "$jar" -b "$jar" "$base/api/auth/csrf" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrfToken"])')
warmup_status=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" \
  --data-urlencode "email=warmup@example.com" --data "code=WRNG-CODE" \
  --data-urlencode "csrfToken=$csrf" --data "json=true" "$base/api/auth/callback/email")
[ "$warmup_status" = 403 ] || { echo "warm-up code attempt answered $warmup_status, not 403" >&2; exit 1; }
sleep 2
rss_before=$(rss_kib "$flood_pid")

echo "flood, $DURATION s, $CONNECTIONS connections (RSS before: $rss_before KiB)" >&2
# VmRSS every half second through the flood (bounded: at most 2 * DURATION + 4 samples).
(for _ in $(seq 1 $((2 * DURATION + 4))); do rss_kib "$flood_pid" || exit 0; sleep 0.5; done) >"$work/rss-samples" &
sampler=$!
pids+=("$sampler")
flood_t0=$(now)
flood_c0=$(cpu_ticks "$flood_pid")
"$abuse" flood --url "$base" --seconds "$DURATION" --connections "$CONNECTIONS" >"$work/flood.txt" &
flooder=$!
pids+=("$flooder")
sleep "$RATE_AT"
echo "/csrf during the flood, from $RATE_AT s, $RATE_SECONDS s" >&2
during_t0=$(now)
during_c0=$(cpu_ticks "$flood_pid")
"$abuse" rate --url "$base" --seconds "$RATE_SECONDS" --path /api/auth/csrf \
  --connections "$RATE_CONNECTIONS" >"$work/rate-during.txt"
during_server_cores=$(cores "$during_c0" "$(cpu_ticks "$flood_pid")" "$during_t0" "$(now)")
wait "$flooder"
flood_server_cores=$(cores "$flood_c0" "$(cpu_ticks "$flood_pid")" "$flood_t0" "$(now)")
forget "$flooder"
rss_end=$(rss_kib "$flood_pid")
stop "$sampler"
sleep 3
rss_after=$(rss_kib "$flood_pid")
# Every 20th sample (one each 10 s): VmRSS at 0 s, 10 s, 20 s, … into the flood, in MiB.
rss_series=$(awk 'NR % 20 == 1 {printf "%s%.1f", sep, $1 / 1024; sep = ", "}' "$work/rss-samples")
rss_peak=$( (cat "$work/rss-samples"; echo "$rss_end") | sort -n | tail -n1)
refused_logged=$(grep -c 'a one-time code was refused' "$work/flood.log" || true)
stop "$flood_pid"
cat "$work/flood.txt" >&2

# --- 2. reset-request timing -----------------------------------------------------------------
start_authrs timing AUTHRS_EMAIL_MAX_PER_ADDRESS=0 AUTHRS_EMAIL_MAX_PER_CLIENT=0
timing_pid=$started_pid
echo "reset-request timing, $SAMPLES samples per address" >&2
timing_rc=0
"$abuse" timing --url "$started_url" --samples "$SAMPLES" \
  --known demo@example.com --unknown nobody@example.com >"$work/timing.txt" || timing_rc=$?
cat "$work/timing.txt" >&2
# Reset mails go out from background tasks, which trail the answers (one database write each):
# wait for the known address's (warm-up pairs and samples) for at most 30 s.
mails() { grep 'email not sent' "$work/timing.log" | grep -c "$1" || true; }
for _ in $(seq 1 300); do
  [ "$(mails demo@example.com)" -lt $((SAMPLES + 5)) ] || break
  sleep 0.1
done
demo_mails=$(mails demo@example.com)
nobody_mails=$(mails nobody@example.com)
stop "$timing_pid"
[ "$timing_rc" -eq 0 ] || { echo "reset requests were not all answered 200 (see above)" >&2; exit 1; }

# --- figures and verdicts --------------------------------------------------------------------
requests=$(field "$work/flood.txt" requests)
flood_rps=$(field "$work/flood.txt" "req/s")
flood_seconds=$(field "$work/flood.txt" seconds)
flood_errors=$(field "$work/flood.txt" errors)
sources=$(field "$work/flood.txt" "source addresses")
statuses=$(awk -F': ' '/^status / {sub(/^status /, "", $1); printf "%s%s × %s", sep, $1, $2; sep = ", "}' "$work/flood.txt")
alone_rps=$(field "$work/rate-alone.txt" "req/s")
during_rps=$(field "$work/rate-during.txt" "req/s")
alone_bad=$(($(field "$work/rate-alone.txt" non-2xx) + $(field "$work/rate-alone.txt" errors)))
during_bad=$(($(field "$work/rate-during.txt" non-2xx) + $(field "$work/rate-during.txt" errors)))
growth_end=$((rss_end - rss_before))
growth_peak=$((rss_peak - rss_before))
growth_after=$((rss_after - rss_before))
flood_client_cores=$(client_cores "$work/flood.txt" "$flood_seconds")
alone_client_cores=$(client_cores "$work/rate-alone.txt" $((RATE_SECONDS + 1)))
during_client_cores=$(client_cores "$work/rate-during.txt" $((RATE_SECONDS + 1)))
rate_ratio=$(awk -v a="$during_rps" -v b="$alone_rps" 'BEGIN {printf "%.2f", a / b}')
rss_verdict=$(awk -v g="$growth_peak" 'BEGIN {print (g < 20 * 1024) ? "met" : "**missed**"}')
rate_verdict=$(awk -v r="$rate_ratio" 'BEGIN {print (r >= 0.5) ? "met" : "**missed**"}')

known_median=$(field "$work/timing.txt" "known median us")
known_p90=$(field "$work/timing.txt" "known p90 us")
known_statuses=$(field "$work/timing.txt" "known statuses")
unknown_median=$(field "$work/timing.txt" "unknown median us")
unknown_p90=$(field "$work/timing.txt" "unknown p90 us")
unknown_statuses=$(field "$work/timing.txt" "unknown statuses")
difference=$(field "$work/timing.txt" "median difference us")
read -r low high <<<"$(field "$work/timing.txt" "difference 95% interval us")"
timing_verdict=$(awk -v l="$low" -v h="$high" 'BEGIN {print (l <= 0 && h >= 0) ? "met: the interval holds 0, the medians differ by no more than noise" : "**missed**: the interval excludes 0"}')
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')

section="$work/section.md"
{
  echo "$SECTION"
  echo
  echo "Recorded by \`$command\` on $(date -u +%Y-%m-%d) ($(nproc) cores, $cpu; load average"
  echo "before the run $load_before). The release \`authrs serve\` on its embedded default (SQLite,"
  echo "in-memory limit store of 65,536 keys), loaded by \`authrs-bench-abuse\`"
  echo "(crates/authrs-bench/src/abuse.rs) on the same machine, over loopback."
  echo
  echo "**Code flood.** One client posts wrong one-time codes (\`code=WRNG-CODE\`) to"
  echo "\`/api/auth/callback/email\`, a distinct address (\`userN@example.com\`) each time, on"
  echo "$CONNECTIONS keep-alive connections for $DURATION s, from source addresses 127.1.x.y (a new one"
  echo "every 25 requests, under the per-network limit of 30 attempts per 15 minutes), so every"
  echo "attempt adds keys to the limit store. \`GET /api/auth/csrf\` is measured on $RATE_CONNECTIONS"
  echo "connections for $RATE_SECONDS s alone before the flood, and again from $RATE_AT s into it; the"
  echo "load clients share the machine's cores with the server."
  echo
  echo "| measure | value | target |"
  echo "|---|---|---|"
  echo "| flood | $requests requests in $flood_seconds s ($flood_rps req/s): $statuses; $flood_errors errors; $sources source addresses | |"
  echo "| VmRSS before the flood (after one warm-up request) | $rss_before KiB | |"
  echo "| VmRSS at the end of the flood | $rss_end KiB (+$(mib "$growth_end") MiB) | |"
  echo "| highest VmRSS sampled during the flood (every 0.5 s) | $rss_peak KiB (+$(mib "$growth_peak") MiB) | < +20 MiB: $rss_verdict |"
  echo "| VmRSS about every 10 s from the start of the flood | $rss_series MiB | |"
  echo "| VmRSS 3 s after the flood | $rss_after KiB (+$(mib "$growth_after") MiB) | |"
  echo "| \`/csrf\` alone | $alone_rps req/s ($alone_bad non-2xx or errors) | |"
  echo "| \`/csrf\` during the flood | $during_rps req/s ($during_bad non-2xx or errors), ${rate_ratio}× alone | ≥ 0.5×: $rate_verdict |"
  echo "| CPU in cores (of $(nproc)), \`/csrf\` alone | server $alone_server_cores, \`/csrf\` client $alone_client_cores | |"
  echo "| CPU in cores, the whole flood | server $flood_server_cores, flood client $flood_client_cores | |"
  echo "| CPU in cores, \`/csrf\` during the flood | server $during_server_cores, \`/csrf\` client $during_client_cores (and the flood client) | |"
  echo
  echo "**Reset-request timing.** \`POST /api/auth/account/reset-password-request\` for the demo"
  echo "account and for an unknown address, $SAMPLES samples each after 5 warm-up pairs,"
  echo "interleaved, each after a fresh CSRF token fetched on the same keep-alive connection (not"
  echo "timed); the POST's round trip only. Mail limits off for this part"
  echo "(\`AUTHRS_EMAIL_MAX_PER_ADDRESS=0 AUTHRS_EMAIL_MAX_PER_CLIENT=0\`), log transport:"
  echo "$demo_mails reset mails logged for demo@example.com, $nobody_mails for nobody@example.com."
  echo
  echo "| address | median µs | p90 µs | answers |"
  echo "|---|---|---|---|"
  echo "| demo@example.com (known) | $known_median | $known_p90 | $known_statuses |"
  echo "| nobody@example.com (unknown) | $unknown_median | $unknown_p90 | $unknown_statuses |"
  echo
  echo "Difference of the medians (known − unknown): $difference µs, 95% bootstrap interval"
  echo "[$low, $high] µs. Target: $timing_verdict."
} >"$section"

replace_section "$OUT" "$SECTION" "$section"
echo "wrote $SECTION to $OUT" >&2
cat "$section"
