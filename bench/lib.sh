# Shared by the bench scripts (sourced): start `authrs serve` and wait for its URL. The caller
# sets $work (a temporary directory), $authrs (the binary) and the array pids (what its
# cleanup stops).

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

# start_authrs NAME [VAR=VALUE...]: `authrs serve` in $work/NAME with that environment; sets
# started_pid and started_url.
start_authrs() {
  local name=$1
  shift
  mkdir -p "$work/$name"
  (cd "$work/$name" && exec env RUST_LOG=info "$@" "$authrs" serve --bind 127.0.0.1:0 >"$work/$name.log" 2>&1) &
  started_pid=$!
  pids+=("$started_pid")
  started_url=$(wait_for_url "$work/$name.log")
}

# bench_workdir: a temporary directory in $work and an empty pids array, both cleaned up on exit
# (the servers in pids stopped, $work removed). Scripts with more to stop (a database) set
# their own trap instead.
bench_workdir() {
  work=$(mktemp -d)
  pids=()
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
}

# bench_workdir_postgres: bench_workdir, and the throwaway PostgreSQL (postgres_start) stopped on
# exit too.
bench_workdir_postgres() {
  work=$(mktemp -d)
  pids=()
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; postgres_stop; rm -rf "$work"' EXIT
}

# replace_section OUT HEADING FILE: puts FILE (which starts with the line HEADING, a `## `
# heading) in place of the section of OUT with that heading, up to the next `## ` heading; at
# the end of OUT when it has no such section.
replace_section() {
  local out=$1 heading=$2 file=$3 merged
  merged=$(mktemp)
  if [ -f "$out" ] && grep -qxF "$heading" "$out"; then
    awk -v h="$heading" -v f="$file" '
      $0 == h { while ((getline line < f) > 0) print line; print ""; skip = 1; next }
      skip && /^## / { skip = 0 }
      !skip { print }
    ' "$out" >"$merged"
  else
    { [ ! -f "$out" ] || { cat "$out"; echo; }; cat "$file"; } >"$merged"
  fi
  # No run of blank lines, and none at the end.
  awk 'NF { for (; blank > 0; blank--) print ""; print; next } { blank = 1 }' "$merged" >"$out"
  rm -f "$merged"
}
