#!/usr/bin/env bash
# Load benchmark: `authrs serve` (release build) against the practical ceiling
# (crates/authrs-bench: a bare axum handler doing one AES-256-GCM decrypt and encrypt of a
# similar cookie), then `/session` with a database session on SQLite (the embedded default)
# and on PostgreSQL (a throwaway local server, scripts/lib/postgres.sh). Loopback only, bounded
# in time. Writes BENCHMARKS.md.
#
#   bench/run.sh                 # 10 s per scenario, 32 connections, 3 rounds
#   DURATION=30s CONNECTIONS=64 ROUNDS=5 bench/run.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
ROUNDS=${ROUNDS:-3}
OUT=${OUT:-$root/BENCHMARKS.md}
# shellcheck source=../scripts/lib/postgres.sh
source "$root/scripts/lib/postgres.sh"

apt_updated=0
apt_install() {
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  if [ "$apt_updated" -eq 0 ]; then
    "${sudo[@]}" apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@"
}
command -v wrk >/dev/null 2>&1 || apt_install wrk
pg_bin=$(pg_bindir) || { apt_install postgresql && pg_bin=$(pg_bindir); }

(cd "$root" && cargo build --release --locked -p authrs-server -p authrs-bench)
authrs="$root/target/release/authrs"
ceiling="$root/target/release/authrs-bench-ceiling"

# wait_for_url, start_authrs and the working directory.
# shellcheck source=lib.sh
source "$root/bench/lib.sh"
bench_workdir_postgres

# sign_in BASE EMAIL PASSWORD JAR: the README's curl flow through `email-password`; prints the
# session cookie as NAME=VALUE.
sign_in() {
  local base=$1 email=$2 password=$3 jar=$4 csrf cookie
  csrf=$(curl -sf -c "$jar" -b "$jar" "$base/api/auth/csrf" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrfToken"])')
  curl -sf -c "$jar" -b "$jar" -o /dev/null \
    --data-urlencode "email=$email" --data-urlencode "password=$password" \
    --data-urlencode "csrfToken=$csrf" --data "json=true" "$base/api/auth/callback/email-password"
  cookie=$(awk '$6 == "next-auth.session-token" {print $6 "=" $7}' "$jar")
  [ -n "$cookie" ] || { echo "sign-in to $base failed" >&2; exit 1; }
  curl -sf -b "$cookie" "$base/api/auth/session" | grep -q "\"$email\"" || { echo "no session on $base" >&2; exit 1; }
  echo "$cookie"
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
no_ticks() { echo 0; }
hz=$(getconf CLK_TCK)

# wrk's latencies (850.00us, 1.23ms, 1.02s) in microseconds.
to_us() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /s$/) print n * 1e6; else print n }'; }

# run NAME PID URL [COOKIE [KEY [TICKS_FN]]]: one wrk run; appends a table row to $work/rows and,
# with a KEY, "KEY rps p50_us p99_us cpu_us other_cpu_us" to $work/metrics. TICKS_FN prints the
# CPU ticks of other processes serving the requests (the database server), counted apart.
# A COOKIE of the form @FILE sends the cookies of FILE (one per line) in turn, one per request:
# distinct users, so concurrent reads of one session (which the server shares) stay rare.
run() {
  local name=$1 pid=$2 url=$3 cookie=${4:-} key=${5:-} ticks_fn=${6:-no_ticks}
  local args=(-t1 "-c$CONNECTIONS" "-d$DURATION" --latency)
  local tail=()
  case "$cookie" in
    "") ;;
    @*) args+=(-s "$work/rotate.lua"); tail=(-- "${cookie#@}") ;;
    *) args+=(-H "Cookie: $cookie") ;;
  esac
  wrk "${args[@]}" "$url" "${tail[@]}" >/dev/null 2>&1 # warm-up pass is the same length; discard it
  local before after other_before other_after out
  before=$(cpu_ticks "$pid")
  other_before=$("$ticks_fn")
  out=$(wrk "${args[@]}" "$url" "${tail[@]}")
  after=$(cpu_ticks "$pid")
  other_after=$("$ticks_fn")
  local rps p50 p99 requests errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")
  local cpu_us other_us
  cpu_us=$(awk -v t="$((after - before))" -v hz="$hz" -v n="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
  other_us=$(awk -v t="$((other_after - other_before))" -v hz="$hz" -v n="$requests" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
  printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$rps" "$p50" "$p99" "$cpu_us" "${errors:-0}" >>"$work/rows"
  echo "$rps" >"$work/rps-$(tr ' /' '__' <<<"$name")"
  [ -z "$key" ] || echo "$key $rps $(to_us "$p50") $(to_us "$p99") $cpu_us $other_us" >>"$work/metrics"
  echo "$name: $rps req/s, p50 $p50, p99 $p99, $cpu_us µs CPU/request" >&2
}

cat >"$work/rotate.lua" <<'LUA'
local cookies, i = {}, 0
function init(args)
  for line in io.lines(args[1]) do cookies[#cookies + 1] = line end
end
function request()
  i = i % #cookies + 1
  return wrk.format(nil, nil, { ["Cookie"] = cookies[i] })
end
LUA

# sign_in_many BASE EMAIL PASSWORD FILE: $CONNECTIONS sign-ins of one account, one session
# cookie per line of FILE (database sessions: one row each).
sign_in_many() {
  : >"$4"
  for n in $(seq 1 "$CONNECTIONS"); do
    sign_in "$1" "$2" "$3" "$work/many-$n.jar" >>"$4"
  done
}

# --- authrs serve with JWT sessions (AUTHRS_SESSION_STRATEGY=jwt), the demo account signed in
start_authrs jwt AUTHRS_SESSION_STRATEGY=jwt
jwt_pid=$started_pid
jwt_base=$started_url
jwt_cookie=$(sign_in "$jwt_base" demo@example.com "$(cat "$work/jwt/authrs-data/demo-password")" "$work/jwt.jar")
csrf_cookie=$(awk '$6 == "next-auth.csrf-token" {print $6 "=" $7}' "$work/jwt.jar")

# --- authrs serve on its embedded default: SQLite in authrs-data/, database sessions
start_authrs sqlite
sqlite_pid=$started_pid
sqlite_base=$started_url
grep -q '(SQLite), database sessions' "$work/sqlite.log" || { echo "not the SQLite default:" >&2; cat "$work/sqlite.log" >&2; exit 1; }
sign_in "$sqlite_base" demo@example.com "$(cat "$work/sqlite/authrs-data/demo-password")" "$work/sqlite.jar" >/dev/null
busy_rss=$(rss_kib "$sqlite_pid")
# Idle: at rest after start-up and one sign-in. The allocator (jemalloc) returns freed memory,
# such as argon2's 19 MiB working area, after a second without use (.cargo/config.toml).
sleep 3
idle_rss=$(rss_kib "$sqlite_pid")
sign_in_many "$sqlite_base" demo@example.com "$(cat "$work/sqlite/authrs-data/demo-password")" "$work/sqlite.cookies"

# --- authrs serve on PostgreSQL (throwaway server on loopback), database sessions
postgres_start "$pg_bin" authrs-bench-pg
pg_version=$("$pg_bin/postgres" --version | awk '{print $3}')
postmaster_pid=$(head -n1 "$PG_DIR/data/postmaster.pid")
# The PostgreSQL server's CPU: the postmaster and its children (one backend per pooled
# connection, which live through the run).
pg_ticks() {
  local total=0 p
  for p in "$postmaster_pid" $(pgrep -P "$postmaster_pid"); do
    total=$((total + $(cpu_ticks "$p" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
pg_password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
mkdir -p "$work/pg"
printf '%s\n' "$pg_password" |
  (cd "$work/pg" && AUTHRS_DATABASE_URL=$PG_URL "$authrs" user add demo@example.com --name Demo >/dev/null)
start_authrs pg "AUTHRS_DATABASE_URL=$PG_URL"
pg_pid=$started_pid
pg_base=$started_url
sign_in_many "$pg_base" demo@example.com "$pg_password" "$work/pg.cookies"

: >"$work/rows"
: >"$work/metrics"
run "authrs /session (no cookie)" "$jwt_pid" "$jwt_base/api/auth/session"
run "authrs /csrf" "$jwt_pid" "$jwt_base/api/auth/csrf" "$csrf_cookie"
run "authrs /providers" "$jwt_pid" "$jwt_base/api/auth/providers"

# --- the ceiling, measured in alternation with /session: this machine's speed drifts by several
# per cent from minute to minute, so ratios are taken per round and the median reported.
"$ceiling" 127.0.0.1:0 >"$work/ceiling.log" 2>&1 &
pids+=($!)
ceiling_pid=$!
ceiling_url=$(wait_for_url "$work/ceiling.log")
ceiling_cookie=$(sed -n 's/^cookie: //p' "$work/ceiling.log")
curl -sf -b "$ceiling_cookie" "$ceiling_url/api/auth/session" | grep -q '"sub"' || { echo "ceiling broken" >&2; exit 1; }

: >"$work/ratios"
for round in $(seq 1 "$ROUNDS"); do
  run "authrs /session (JWT cookie), round $round" "$jwt_pid" "$jwt_base/api/auth/session" "$jwt_cookie" jwt
  run "ceiling: axum + AES-256-GCM decrypt/encrypt, round $round" "$ceiling_pid" "$ceiling_url/api/auth/session" "$ceiling_cookie"
  run "authrs /session (database session, SQLite), round $round" "$sqlite_pid" "$sqlite_base/api/auth/session" "@$work/sqlite.cookies" sqlite
  run "authrs /session (database session, PostgreSQL), round $round" "$pg_pid" "$pg_base/api/auth/session" "@$work/pg.cookies" postgres pg_ticks
  session_rps=$(cat "$work/rps-authrs__session_(JWT_cookie),_round_$round")
  ceiling_rps=$(cat "$work/rps-ceiling:_axum_+_AES-256-GCM_decrypt_encrypt,_round_$round")
  awk -v a="$session_rps" -v b="$ceiling_rps" 'BEGIN {printf "%.2f\n", a / b}' >>"$work/ratios"
done
loaded_rss=$(hwm_kib "$sqlite_pid")
ratio=$(sort -n "$work/ratios" | awk '{r[NR] = $1} END {print r[int((NR + 1) / 2)]}')
ratios=$(paste -sd' ' "$work/ratios")
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')

# median KEY FIELD: the median over the rounds of one metrics column (2 rps, 3 p50, 4 p99,
# 5 CPU, 6 database server CPU).
median() {
  awk -v k="$1" -v f="$2" '$1 == k {print $f}' "$work/metrics" | sort -g |
    awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
latency() { awk -v us="$1" 'BEGIN { if (us >= 1000) printf "%.2fms", us / 1000; else printf "%.0fus", us }'; }
times() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "–" }'; }
for key in jwt sqlite postgres; do
  for field in 2 3 4 5 6; do
    printf -v "m_${key}_$field" '%s' "$(median "$key" "$field")"
  done
done
# db_row LABEL KEY: one row of the database-session table, each value with its ratio to JWT.
db_row() {
  local label=$1 key=$2 rps p50 p99 cpu other
  rps=m_${key}_2 p50=m_${key}_3 p99=m_${key}_4 cpu=m_${key}_5 other=m_${key}_6
  local database_cpu=–
  [ "$key" != postgres ] || database_cpu=${!other}
  printf '| %s | %.0f (%s) | %s (%s) | %s (%s) | %s (%s) | %s |\n' "$label" \
    "${!rps}" "$(times "${!rps}" "$m_jwt_2")" \
    "$(latency "${!p50}")" "$(times "${!p50}" "$m_jwt_3")" \
    "$(latency "${!p99}")" "$(times "${!p99}" "$m_jwt_4")" \
    "${!cpu}" "$(times "${!cpu}" "$m_jwt_5")" \
    "$database_cpu"
}
sqlite_ratio=$(times "$m_sqlite_2" "$m_jwt_2")
postgres_ratio=$(times "$m_postgres_2" "$m_jwt_2")

{
  echo "# Benchmarks"
  echo
  echo "Recorded by \`bench/run.sh\` on $(date -u +%Y-%m-%d) ($(nproc) cores, $cpu)."
  echo "Load: \`wrk -t1 -c$CONNECTIONS -d$DURATION --latency\` on loopback after an equal warm-up run;"
  echo "the server and wrk share the machine. CPU per request is the server process's user+system"
  echo "time over the run divided by the requests served."
  echo
  echo "Rerun: \`bench/run.sh\` (or \`DURATION=30s CONNECTIONS=64 ROUNDS=5 bench/run.sh\`)."
  echo
  echo "Three \`authrs serve\` instances, each signed in as the demo account through"
  echo "\`/callback/email-password\`: JWT sessions (\`AUTHRS_SESSION_STRATEGY=jwt\`), the embedded"
  echo "default (database sessions on SQLite in \`authrs-data/\`), and database sessions on"
  echo "PostgreSQL $pg_version (a throwaway server on loopback, fsync off, \`scripts/lib/postgres.sh\`)."
  echo "The first three scenarios run on the JWT instance. The database-session scenarios send"
  echo "$CONNECTIONS distinct sessions of the account in turn, one per request: the server shares"
  echo "the work of concurrent reads of one cookie, which one cookie on every connection would"
  echo "measure instead of the database read."
  echo
  echo "| scenario | req/s | p50 | p99 | server CPU µs/request | non-2xx |"
  echo "|---|---|---|---|---|---|"
  cat "$work/rows"
  echo
  echo "**\`/session\` with a JWT at $ratio× the ceiling** (median of $ROUNDS alternating rounds: $ratios; target ≥ 0.8×)."
  echo
  echo "## Database sessions"
  echo
  echo "\`/session\` with a database session cookie: one read of the session and its user per"
  echo "request (the expiry is written at most once per \`session.update_age\`, a day). Medians"
  echo "of the $ROUNDS rounds above, in brackets each one's ratio to the JWT \`/session\` median."
  echo "authrs CPU is the authrs process's; PostgreSQL's own (postmaster and backends) is apart."
  echo
  echo "| \`/session\` | req/s | p50 | p99 | authrs CPU µs/request | PostgreSQL CPU µs/request |"
  echo "|---|---|---|---|---|---|"
  printf '| JWT (reference) | %.0f | %s | %s | %s | – |\n' "$m_jwt_2" "$(latency "$m_jwt_3")" "$(latency "$m_jwt_4")" "$m_jwt_5"
  db_row "database session, SQLite" sqlite
  db_row "database session, PostgreSQL" postgres
  echo
  echo "**Database sessions on SQLite at $sqlite_ratio the JWT path's req/s** (target ≥ 0.4×);"
  echo "on PostgreSQL at $postgres_ratio."
  echo
  echo "| memory (authrs serve, embedded default: SQLite, database sessions) | KiB |"
  echo "|---|---|"
  echo "| RSS right after start-up and one sign-in (argon2's 19 MiB still held) | $busy_rss |"
  echo "| idle RSS: 3 s later, at rest | $idle_rss |"
  echo "| peak RSS (VmHWM) after the runs | $loaded_rss |"
  echo
  echo "Idle RSS target ≤ 10 MiB (10240 KiB)."
} >"$OUT"
echo "wrote $OUT" >&2
cat "$OUT"
