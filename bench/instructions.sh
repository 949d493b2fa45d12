#!/usr/bin/env bash
# Instructions per JWT `/session` read, counted by valgrind's callgrind, for one or more `authrs`
# binaries. Unlike req/s or CPU time, the count does not move with the host's speed or with
# what else runs, so a difference of a few percent between two builds is visible in one run.
#
#   bench/instructions.sh BINARY [BINARY...]
#   REQUESTS=4000 CONNECTIONS=4 bench/instructions.sh old new
#
# Each binary serves the embedded default in JWT mode under callgrind. The demo account signs
# in, a warm-up of 200 reads runs uninstrumented, then instrumentation is switched on for
# REQUESTS reads over CONNECTIONS keep-alive connections. Printed: instructions per request
# (all threads), and the callgrind output file, for `callgrind_annotate FILE | head -40`.
# Instructions are not time (a cache miss costs more than an add), but at equal work they
# follow it closely; confirm a real difference with bench/compare.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { sed -n '2,14p' "$0" >&2; exit 2; }
REQUESTS=${REQUESTS:-2000}
CONNECTIONS=${CONNECTIONS:-4}
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
out_dir=${OUT_DIR:-$root/target/bench-instructions}
mkdir -p "$out_dir"

# shellcheck source=lib.sh
source "$root/bench/lib.sh"
bench_workdir

# load URL COOKIE COUNT CONNECTIONS: COUNT GET requests with that cookie over CONNECTIONS
# keep-alive connections, each answered 200 with the demo user's session.
load() {
  python3 - "$@" <<'EOF'
import http.client, sys, threading, urllib.parse
url, cookie, count, conns = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
u = urllib.parse.urlsplit(url)
errors = []
def run(n):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    for _ in range(n):
        c.request("GET", "/api/auth/session", headers={"Cookie": cookie})
        r = c.getresponse()
        body = r.read()
        if r.status != 200 or b"demo@example.com" not in body:
            errors.append((r.status, body[:200]))
    c.close()
threads = [threading.Thread(target=run, args=(count // conns,)) for _ in range(conns)]
for t in threads: t.start()
for t in threads: t.join()
if errors:
    sys.exit(f"{len(errors)} bad answers, first: {errors[0]}")
EOF
}

i=0
for binary in "$@"; do
  i=$((i + 1))
  name=$(basename "$binary")-$i
  out="$out_dir/callgrind.$name.out"
  rm -f "$out"
  # valgrind in front of the binary, through a wrapper, so start_authrs runs it unchanged.
  printf '#!/bin/sh\nexec valgrind --tool=callgrind --instr-atstart=no %s --callgrind-out-file=%s %s "$@"\n' \
    "${CACHE_SIM:+--cache-sim=yes}" "$out" "$(realpath "$binary")" >"$work/valgrind-$i"
  chmod +x "$work/valgrind-$i"
  authrs=$work/valgrind-$i
  start_authrs "$name" AUTHRS_SESSION_STRATEGY=jwt
  base=$started_url
  jar=$work/$name.jar
  csrf=$(curl -sf -c "$jar" -b "$jar" "$base/api/auth/csrf" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrfToken"])')
  curl -sf -c "$jar" -b "$jar" -o /dev/null --data-urlencode "email=demo@example.com" \
    --data-urlencode "password=$(cat "$work/$name/authrs-data/demo-password")" \
    --data-urlencode "csrfToken=$csrf" --data "json=true" "$base/api/auth/callback/email-password"
  cookie=$(awk '$6 == "next-auth.session-token" {print $6 "=" $7}' "$jar")
  load "$base" "$cookie" 200 "$CONNECTIONS"
  # (valgrind runs the server in its own process: started_pid is the one to switch.)
  callgrind_control -i on "$started_pid" >/dev/null
  load "$base" "$cookie" "$REQUESTS" "$CONNECTIONS"
  callgrind_control -i off "$started_pid" >/dev/null
  kill -INT "$started_pid"
  wait "$started_pid" 2>/dev/null || true
  awk -v n="$REQUESTS" -v b="$binary" -v f="$out" '
    /^events:/ { for (i = 2; i <= NF; i++) name[i] = $i }
    /^totals:/ { printf "%s (%s), per request:", b, f; for (i = 2; i <= NF; i++) printf " %s %.0f", name[i], $i / n; print "" }' "$out"
done
