# A throwaway PostgreSQL server for tests and benchmarks. Source this file, then:
#
#   pg_bin=$(pg_bindir) || install the `postgresql` Debian package and try again
#   postgres_start "$pg_bin" authrs-test-pg   # sets PG_DIR, PG_PORT and PG_URL
#   trap postgres_stop EXIT                   # or call it from your own exit trap
#   postgres_restart -c name=value            # optional: a restart with settings added
#   postgres_pause; postgres_resume           # optional: down for a while, then up again
#   postgres_demote; postgres_promote         # optional: a standby for a while, then primary
#
# The server has its own temporary directory (data, unix socket, log) under $TMPDIR and a free
# port on 127.0.0.1, trust authentication (only this machine's loopback and the private socket
# reach it) and durability off (the data is thrown away). PostgreSQL refuses to run as root,
# so as root it runs as the `postgres` user. The directory is named PREFIX.PID.XXXXXX after
# the script that owns it; one left with the same prefix by a run that was killed outright is
# stopped and removed first. PG_URL is the admin URL,
# postgres://postgres@127.0.0.1:PORT/postgres.
#
# Optional, for the TLS tests: PG_SSL_DIR names a directory with server.crt and server.key (and
# root.crt, the CA that client certificates must chain to): the server then offers TLS. PG_HBA
# replaces pg_hba.conf with its text.

# The PostgreSQL server programs: Debian keeps them in /usr/lib/postgresql/<version>/bin, off
# PATH; the newest version found wins, then PATH.
pg_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/pg_isready" ]; then
      echo "$dir"
      return 0
    fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 &&
    command -v pg_isready >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return 0
  fi
  return 1
}

# postgres_start BINDIR PREFIX: starts the server; sets PG_DIR, PG_PORT, PG_URL.
postgres_start() {
  PG_BIN=$1
  local prefix=$2 tmp_root=${TMPDIR:-/tmp} stale owner port
  PG_AS=()
  if [ "$(id -u)" -eq 0 ]; then
    id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    PG_AS=(runuser -u postgres --)
  fi
  # Each run's directory is named after the PID of the script that owns it.
  for stale in "$tmp_root/$prefix".*.*; do
    [ -d "$stale" ] || continue
    owner=${stale##*/"$prefix".}
    owner=${owner%%.*}
    [ -d "/proc/$owner" ] && continue # that run is still going
    [ "$(id -u)" -eq 0 ] || [ -O "$stale" ] || continue # not ours to remove
    if [ -f "$stale/data/postmaster.pid" ]; then
      "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$stale/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$stale" || true
  done

  PG_DIR=$(mktemp -d "$tmp_root/$prefix.$$.XXXXXX")
  [ ${#PG_AS[@]} -eq 0 ] || chown postgres "$PG_DIR"
  "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --no-locale \
    -E UTF8 --no-sync >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  local ssl_opts=""
  if [ -n "${PG_SSL_DIR:-}" ]; then
    mkdir -p "$PG_DIR/tls"
    cp "$PG_SSL_DIR/server.crt" "$PG_SSL_DIR/server.key" "$PG_DIR/tls/"
    ssl_opts="-c ssl=on -c ssl_cert_file=$PG_DIR/tls/server.crt -c ssl_key_file=$PG_DIR/tls/server.key"
    if [ -f "$PG_SSL_DIR/root.crt" ]; then
      cp "$PG_SSL_DIR/root.crt" "$PG_DIR/tls/"
      ssl_opts="$ssl_opts -c ssl_ca_file=$PG_DIR/tls/root.crt"
    fi
    # PostgreSQL refuses a key that others can read.
    chmod 600 "$PG_DIR/tls/server.key"
    [ ${#PG_AS[@]} -eq 0 ] || chown -R postgres "$PG_DIR/tls"
  fi
  if [ -n "${PG_HBA:-}" ]; then
    printf '%s\n' "$PG_HBA" >"$PG_DIR/data/pg_hba.conf"
    [ ${#PG_AS[@]} -eq 0 ] || chown postgres "$PG_DIR/data/pg_hba.conf"
  fi
  PG_PORT=""
  for _ in $(seq 20); do
    port=$((20000 + RANDOM % 40000))
    # Something answers there already: try another port.
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    PG_OPTS="-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c fsync=off \
      -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 $ssl_opts"
    if "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
      -o "$PG_OPTS" start >/dev/null; then
      PG_PORT=$port
      break
    fi
  done
  if [ -z "$PG_PORT" ]; then
    echo "could not start PostgreSQL; its log:" >&2
    cat "$PG_DIR/server.log" >&2
    return 1
  fi
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 30
  PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
}

# postgres_pause: stops the server started by postgres_start (fast shutdown: open connections
# are cut) and keeps its data; postgres_resume [OPTIONS] starts it again on the same port, with
# server OPTIONS added (`-c name=value`); postgres_restart [OPTIONS] does both.
postgres_pause() {
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 60 -m fast stop >/dev/null
}
postgres_resume() {
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "$PG_OPTS $*" start >/dev/null
}
postgres_restart() {
  postgres_pause && postgres_resume "$@"
}

# postgres_demote: restarts the server as a standby (in recovery, read-only, with no primary
# to follow), as a failed-over primary comes back; postgres_promote makes it a primary again.
postgres_demote() {
  postgres_pause && "${PG_AS[@]}" touch "$PG_DIR/data/standby.signal" && postgres_resume
}
postgres_promote() {
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 60 promote >/dev/null
}

# postgres_stop: stops the server started by postgres_start and removes its directory.
postgres_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR" || true
  PG_DIR=""
}
