#!/usr/bin/env bash
# A/B of two `authrs` binaries on the JWT `/session` read (the engine's hot path): both run at
# once in JWT mode with the demo account signed in, and wrk loads them in turn, A B A B …, so
# that a host whose speed drifts (CPU throttling, neighbours) affects both alike. Prints each
# run and the medians of each, and B's ratio to A: req/s, and the server's CPU time per request
# (utime + stime from /proc, which moves less than req/s when other work shares the cores).
#
#   bench/compare.sh OLD_BINARY NEW_BINARY
#   ROUNDS=7 DURATION=10s CONNECTIONS=32 bench/compare.sh a b
#   PIN=1 bench/compare.sh a b   # servers on CPU 1, wrk on CPU 0 (less scheduling noise)
#
# Build the old one from a worktree: git worktree add /tmp/old REV && (cd /tmp/old &&
# cargo build --release -p authrs-server) — then /tmp/old/target/release/authrs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 2 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }

# shellcheck source=lib.sh
source "$root/bench/lib.sh"
bench_workdir

# sign_in NAME: signs the demo account in on server NAME; prints its session cookie.
sign_in() {
  local base=$1 dir=$2 jar=$work/$2.jar csrf
  csrf=$(curl -sf -c "$jar" -b "$jar" "$base/api/auth/csrf" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrfToken"])')
  curl -sf -c "$jar" -b "$jar" -o /dev/null --data-urlencode "email=demo@example.com" \
    --data-urlencode "password=$(cat "$work/$dir/authrs-data/demo-password")" \
    --data-urlencode "csrfToken=$csrf" --data "json=true" "$base/api/auth/callback/email-password"
  awk '$6 == "next-auth.session-token" {print $6 "=" $7}' "$jar"
}

declare -A url cookie pid
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
sys_ticks() { awk '{print $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
wrk_cmd=(wrk)
if [ -n "${PIN:-}" ]; then wrk_cmd=(taskset -c 0 wrk); fi
for side in A B; do
  if [ "$side" = A ]; then authrs=$(realpath "$1"); else authrs=$(realpath "$2"); fi
  if [ -n "${PIN:-}" ]; then
    printf '#!/bin/sh\nexec taskset -c 1 %s "$@"\n' "$authrs" >"$work/pinned-$side"
    chmod +x "$work/pinned-$side"
    authrs=$work/pinned-$side
  fi
  start_authrs "$side" AUTHRS_SESSION_STRATEGY=jwt
  url[$side]=$started_url
  pid[$side]=$started_pid
  cookie[$side]=$(sign_in "$started_url" "$side")
  curl -sf -b "${cookie[$side]}" "${url[$side]}/api/auth/session" | grep -q demo@example.com ||
    { echo "no session on $side" >&2; exit 1; }
  "${wrk_cmd[@]}" -t1 "-c$CONNECTIONS" -d3s -H "Cookie: ${cookie[$side]}" "${url[$side]}/api/auth/session" >/dev/null
done
for round in $(seq 1 "$ROUNDS"); do
  for side in A B; do
    before=$(cpu_ticks "${pid[$side]}")
    sys_before=$(sys_ticks "${pid[$side]}")
    out=$("${wrk_cmd[@]}" -t1 "-c$CONNECTIONS" "-d$DURATION" -H "Cookie: ${cookie[$side]}" "${url[$side]}/api/auth/session")
    after=$(cpu_ticks "${pid[$side]}")
    sys_after=$(sys_ticks "${pid[$side]}")
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    cpu=$(awk -v t="$((after - before))" -v hz="$hz" -v n="$requests" 'BEGIN {printf "%.2f", t / hz * 1e6 / n}')
    echo "$rps" >>"$work/rps-$side"
    sys=$(awk -v t="$((sys_after - sys_before))" -v hz="$hz" -v n="$requests" 'BEGIN {printf "%.2f", t / hz * 1e6 / n}')
    echo "$cpu" >>"$work/cpu-$side"
    echo "$sys" >>"$work/sys-$side"
    echo "round $round $side: $rps req/s, $cpu µs CPU/request ($sys in the kernel)" >&2
  done
done
median() { sort -n "$1" | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b / a}'; }
a=$(median "$work/rps-A")
b=$(median "$work/rps-B")
ca=$(median "$work/cpu-A")
cb=$(median "$work/cpu-B")
echo "JWT /session, medians of $ROUNDS × $DURATION on $CONNECTIONS connections:"
echo "  req/s: A $a, B $b, B/A $(ratio "$a" "$b")"
echo "  server CPU µs/request: A $ca, B $cb, B/A $(ratio "$ca" "$cb")"
# Each round's B/A ratio of CPU per request: neighbours in time, so a drift of the host's
# speed over the run cancels out of each ratio; their median is the figure to quote.
paste "$work/cpu-A" "$work/cpu-B" | awk '{printf "%.4f\n", $2 / $1}' >"$work/cpu-ratio"
echo "  median of the rounds' B/A CPU ratios: $(median "$work/cpu-ratio") (range $(sort -n "$work/cpu-ratio" | head -n1) to $(sort -n "$work/cpu-ratio" | tail -n1))"
sa=$(median "$work/sys-A")
sb=$(median "$work/sys-B")
echo "  of which in the kernel: A $sa, B $sb"
