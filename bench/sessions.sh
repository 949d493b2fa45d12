#!/usr/bin/env bash
# The session cache (issue 17): `/session` with database sessions on SQLite and PostgreSQL,
# with the cache and without it (`AUTHRS_SESSION_CACHE_SIZE=0`), against the JWT path, over
# many distinct sessions; what a cached session costs in memory; and how late a sign-out on
# one instance is seen on another on one PostgreSQL database, also with the listener
# connections killed. Loopback only, bounded in time. Replaces the section
# "## Session cache (bench/sessions.sh)" of BENCHMARKS.md.
#
#   bench/sessions.sh                       # 10 s per run, 32 connections, 3 rounds
#   SESSIONS=10000 TRIALS=100 DURATION=10s ROUNDS=3 bench/sessions.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
ROUNDS=${ROUNDS:-3}
SESSIONS=${SESSIONS:-10000}
TRIALS=${TRIALS:-100}
OUT=${OUT:-$root/BENCHMARKS.md}
SECTION="## Session cache (bench/sessions.sh)"
# shellcheck source=../scripts/lib/postgres.sh
source "$root/scripts/lib/postgres.sh"
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
pg_bin=$(pg_bindir) || { echo "needs PostgreSQL (apt-get install postgresql)" >&2; exit 1; }

(cd "$root" && cargo build --release --locked -p authrs-server)
authrs="$root/target/release/authrs"

# shellcheck source=lib.sh
source "$root/bench/lib.sh"
bench_workdir_postgres

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
anon_kib() { awk '/^RssAnon:/ {print $2}' "/proc/$1/status"; }
to_us() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /s$/) print n * 1e6; else print n }'; }

# make_sessions KIND TARGET USER_ID FILE: SESSIONS session rows for USER_ID, written straight to
# the database (a sign-in each would take SESSIONS argon2 hashes and meet the rate limits); one
# `next-auth.session-token=TOKEN` cookie per line of FILE. KIND is sqlite (TARGET a file) or
# postgres (TARGET a URL).
make_sessions() {
  python3 - "$@" "$SESSIONS" <<'PY'
import hashlib, secrets, subprocess, sys, time
kind, target, user_id, out, count = sys.argv[1:6]
tokens = [secrets.token_hex(32) for _ in range(int(count))]
expires_ms = int(time.time() * 1000) + 30 * 86400 * 1000
rows = [(hashlib.sha256(t.encode()).hexdigest(), user_id, expires_ms) for t in tokens]
if kind == "sqlite":
    import sqlite3
    db = sqlite3.connect(target, timeout=10)
    db.executemany("INSERT INTO sessions (session_token, user_id, expires) VALUES (?, ?, ?)", rows)
    db.commit()
else:
    sql = "".join(
        f"INSERT INTO sessions (session_token, user_id, expires) VALUES ('{h}', '{u}', to_timestamp({e} / 1000.0));\n"
        for h, u, e in rows)
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", target], input=sql.encode(), check=True)
with open(out, "w") as f:
    f.writelines(f"next-auth.session-token={t}\n" for t in tokens)
PY
}

cat >"$work/rotate.lua" <<'LUA'
local cookies, i = {}, 0
function init(args)
  for line in io.lines(args[1]) do cookies[#cookies + 1] = line end
  i = math.random(#cookies)
end
function request()
  i = i % #cookies + 1
  return wrk.format(nil, nil, { ["Cookie"] = cookies[i] })
end
LUA

# run KEY URL [COOKIES]: a warm-up run, then a measured one; appends "KEY rps p50_us p99_us
# non2xx" to $work/metrics.
run() {
  local key=$1 url=$2 cookies=${3:-}
  local args=(-t1 "-c$CONNECTIONS" "-d$DURATION" --latency) tail=()
  [ -z "$cookies" ] || { args+=(-s "$work/rotate.lua"); tail=(-- "$cookies"); }
  wrk "${args[@]}" "$url" "${tail[@]}" >/dev/null 2>&1
  local out
  out=$(wrk "${args[@]}" "$url" "${tail[@]}")
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")
  echo "$key $rps $(to_us "$p50") $(to_us "$p99") ${errors:-0}" >>"$work/metrics"
  echo "$key: $rps req/s, p50 $p50, p99 $p99, non-2xx ${errors:-0}" >&2
}

# The JWT reference: the demo account signed in once.
start_authrs jwt AUTHRS_SESSION_STRATEGY=jwt
jwt_base=$started_url
jwt_cookie_file=$work/jwt.cookies
python3 - "$jwt_base" "$(cat "$work/jwt/authrs-data/demo-password")" >"$jwt_cookie_file" <<'PY'
import http.cookiejar, json, sys, urllib.parse, urllib.request
base, password = sys.argv[1:3]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
csrf = json.load(opener.open(base + "/api/auth/csrf"))["csrfToken"]
body = urllib.parse.urlencode({"email": "demo@example.com", "password": password,
                               "csrfToken": csrf, "json": "true"}).encode()
opener.open(base + "/api/auth/callback/email-password", body)
print(next(f"{c.name}={c.value}" for c in jar if c.name == "next-auth.session-token"))
PY

# SQLite: one data directory per instance, each with SESSIONS sessions of its demo account.
for name in sqlite sqlite-nocache; do
  extra=()
  [ "$name" = sqlite ] || extra=(AUTHRS_SESSION_CACHE_SIZE=0)
  start_authrs "$name" "${extra[@]}"
  declare "base_${name//-/_}=$started_url"
  declare "pid_${name//-/_}=$started_pid"
  db=$work/$name/authrs-data/authrs.db
  user_id=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT id FROM users WHERE email = ?", ("demo@example.com",)).fetchone()[0])' "$db")
  make_sessions sqlite "$db" "$user_id" "$work/$name.cookies"
done

# PostgreSQL: one database, two instances with the cache (for the revocation trials) and one
# without.
postgres_start "$pg_bin" authrs-bench-sessions
PATH=$pg_bin:$PATH
mkdir -p "$work/pg-setup"
printf 'bench password 1\n' |
  (cd "$work/pg-setup" && AUTHRS_DATABASE_URL=$PG_URL "$authrs" user add demo@example.com >/dev/null)
pg_user=$(psql -qtAX "$PG_URL" -c "SELECT id FROM users WHERE email = 'demo@example.com'")
make_sessions postgres "$PG_URL" "$pg_user" "$work/pg.cookies"
for name in pg pg-b pg-nocache; do
  extra=()
  [ "$name" != pg-nocache ] || extra=(AUTHRS_SESSION_CACHE_SIZE=0)
  start_authrs "$name" "AUTHRS_DATABASE_URL=$PG_URL" "${extra[@]}"
  declare "base_${name//-/_}=$started_url"
  declare "pid_${name//-/_}=$started_pid"
done

# Idle RSS with the cache empty, against the instance without it (both SQLite, at rest).
sleep 3
idle_cache=$(rss_kib "$pid_sqlite")
idle_nocache=$(rss_kib "$pid_sqlite_nocache")
idle_cache_anon=$(anon_kib "$pid_sqlite")
idle_nocache_anon=$(anon_kib "$pid_sqlite_nocache")

: >"$work/metrics"
for round in $(seq 1 "$ROUNDS"); do
  run jwt "$jwt_base/api/auth/session" "$jwt_cookie_file"
  run sqlite "$base_sqlite/api/auth/session" "$work/sqlite.cookies"
  run sqlite-nocache "$base_sqlite_nocache/api/auth/session" "$work/sqlite-nocache.cookies"
  run postgres "$base_pg/api/auth/session" "$work/pg.cookies"
  run postgres-nocache "$base_pg_nocache/api/auth/session" "$work/pg.cookies"
done

# Memory: both SQLite instances have now read all SESSIONS sessions; the one with the cache
# holds them (cache_size 10000 by default).
loaded_cache=$(anon_kib "$pid_sqlite")
loaded_nocache=$(anon_kib "$pid_sqlite_nocache")
cached=$((SESSIONS < 10000 ? SESSIONS : 10000))
per_session=$(awk -v a="$loaded_cache" -v b="$loaded_nocache" -v n="$cached" 'BEGIN {printf "%.0f", (a - b) * 1024 / n}')

# Revocation across two instances on one PostgreSQL: sign out on A, poll B.
python3 - "$base_pg" "$base_pg_b" "$work/pg.cookies" "$TRIALS" "$PG_URL" >"$work/revocation" <<'PY'
import http.client, json, subprocess, sys, time, urllib.parse
a_base, b_base, cookie_file, trials, pg_url = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
cookies = [line.strip() for line in open(cookie_file)][-(2 * trials):]

def conn(base):
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    return http.client.HTTPConnection(host, int(port))

a, b = conn(a_base), conn(b_base)

def get(c, path, cookie):
    c.request("GET", path, headers={"Cookie": cookie})
    r = c.getresponse()
    return r.status, r.read().decode(), r.getheader("Set-Cookie") or ""

def sign_out(cookie):
    status, body, set_cookie = get(a, "/api/auth/csrf", cookie)
    csrf = json.loads(body)["csrfToken"]
    csrf_cookie = set_cookie.split(";")[0]
    both = cookie + "; " + csrf_cookie
    form = urllib.parse.urlencode({"csrfToken": csrf, "json": "true"})
    a.request("POST", "/api/auth/signout", body=form, headers={
        "Cookie": both, "Content-Type": "application/x-www-form-urlencoded"})
    r = a.getresponse()
    r.read()
    assert r.status == 200, r.status

def kill_listeners():
    subprocess.run(["psql", "-qtAX", pg_url, "-c",
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE query LIKE '%LISTEN%authrs_changes%' AND pid <> pg_backend_pid()"], check=True, capture_output=True)

def trial(cookie, kill):
    for _ in range(2):  # cached on B
        status, body, _ = get(b, "/api/auth/session", cookie)
        assert status == 200 and "demo@example.com" in body, (status, body)
    if kill:
        kill_listeners()
    sign_out(cookie)
    start = time.monotonic()
    while True:
        status, body, _ = get(b, "/api/auth/session", cookie)
        if body == "{}":
            return time.monotonic() - start
        if time.monotonic() - start > 5:
            return float("inf")

plain = [trial(c, False) for c in cookies[:trials]]
killed = [trial(c, True) for c in cookies[trials:2 * trials:10]]
for name, values in (("plain", plain), ("killed", killed)):
    values.sort()
    print(name, len(values), "%.1f" % (values[len(values) // 2] * 1000), "%.1f" % (values[-1] * 1000))
PY

median() {
  awk -v k="$1" -v f="$2" '$1 == k {print $f}' "$work/metrics" | sort -g |
    awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
latency() { awk -v us="$1" 'BEGIN { if (us >= 1000) printf "%.2fms", us / 1000; else printf "%.0fus", us }'; }
times() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "–" }'; }
# Per-round ratios to that round's JWT run, then their median (this machine drifts by several
# per cent from minute to minute).
ratio() {
  paste <(awk -v k="$1" '$1 == k {print $2}' "$work/metrics") <(awk '$1 == "jwt" {print $2}' "$work/metrics") |
    awk '{print $1 / $2}' | sort -g | awk '{v[NR] = $1} END {printf "%.2f×", v[int((NR + 1) / 2)]}'
}
row() {
  local label=$1 key=$2
  printf '| %s | %.0f | %s | %s | %s | %s |\n' "$label" "$(median "$key" 2)" \
    "$(latency "$(median "$key" 3)")" "$(latency "$(median "$key" 4)")" "$(ratio "$key")" \
    "$(median "$key" 5)"
}
read -r _ plain_n plain_median plain_worst < <(grep '^plain' "$work/revocation")
read -r _ killed_n killed_median killed_worst < <(grep '^killed' "$work/revocation")
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
section=$work/section.md
{
  echo "$SECTION"
  echo
  echo "Recorded by \`bench/sessions.sh\` on $(date -u +%Y-%m-%d) ($(nproc) cores, $cpu): \`wrk -t1"
  echo "-c$CONNECTIONS -d$DURATION --latency\` after an equal warm-up run, $ROUNDS rounds; each ratio is the"
  echo "median of the per-round ratios to that round's JWT run. The database-session runs send"
  echo "$SESSIONS distinct sessions in turn, one per request (rows written straight to the"
  echo "database), so neither single-flight nor one hot row flatters them. PostgreSQL"
  echo "$("$pg_bin/postgres" --version | awk '{print $3}') on loopback (\`scripts/lib/postgres.sh\`, fsync off)."
  echo
  echo "Rerun: \`bench/sessions.sh\` (\`SESSIONS=… TRIALS=… DURATION=… ROUNDS=…\`)."
  echo
  echo "| \`/session\` | req/s | p50 | p99 | ratio to JWT | non-2xx |"
  echo "|---|---|---|---|---|---|"
  row "JWT (reference)" jwt
  row "database session, SQLite, cache" sqlite
  row "database session, SQLite, no cache (\`cache_size = 0\`)" sqlite-nocache
  row "database session, PostgreSQL, cache" postgres
  row "database session, PostgreSQL, no cache" postgres-nocache
  echo
  echo "**Revocation across two instances on one PostgreSQL** (sign out through A's"
  echo "\`/signout\`, then read \`/session\` on B, which had the session cached, until it is \`{}\`):"
  echo
  echo "| trials | median | worst |"
  echo "|---|---|---|"
  echo "| $plain_n sign-outs | ${plain_median} ms | ${plain_worst} ms |"
  echo "| $killed_n sign-outs right after every listener connection was killed (\`pg_terminate_backend\`) | ${killed_median} ms | ${killed_worst} ms |"
  echo
  echo "**Memory** (the SQLite instances). At rest with the cache empty: RSS $idle_cache KiB"
  echo "(anonymous $idle_cache_anon KiB), without the cache $idle_nocache KiB (anonymous"
  echo "$idle_nocache_anon KiB); the file-backed rest is the same code, and varies by ±200 KiB"
  echo "from start to start. After the runs, anonymous memory with $cached sessions cached"
  echo "$loaded_cache KiB, without the cache $loaded_nocache KiB: about $per_session bytes per cached session."
} >"$section"
replace_section "$OUT" "$SECTION" "$section"
echo "wrote $SECTION to $OUT" >&2
cat "$section"
