#!/usr/bin/env bash
# One-command benchmark of Herald: bash bench/run.sh [options]   (options: bash bench/run.sh --help)
# Builds Herald, the ceiling app and the driver in Release, then runs the driver, which starts the servers,
# runs wrk and the websocket streams, prints a table and writes bench/results/<UTC timestamp>.json + latest.json.
# Every child process is stopped at the end, on failure and on Ctrl-C.
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$bench_dir/.." && pwd)"
cd "$repo"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

for a in "$@"; do
  if [ "$a" = "-h" ] || [ "$a" = "--help" ]; then
    exec dotnet run --project "$bench_dir/Herald.Bench" -c Release -- --help
  fi
done

# wrk comes from Debian's packages.
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing wrk (Debian package)" >&2
    apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }
  else
    echo "wrk is missing: sudo apt-get install -y wrk" >&2
    exit 2
  fi
fi

echo "building Release: src/Herald.Server, bench/Ceiling, bench/Herald.Bench" >&2
for p in src/Herald.Server bench/Ceiling bench/Herald.Bench; do
  if ! log="$(dotnet build "$p" -c Release -nologo -v quiet 2>&1)"; then
    echo "$log" >&2
    echo "build of $p failed" >&2
    exit 2
  fi
done

# The driver runs in its own process group so that everything it started can be stopped as one,
# even if it dies without cleaning up; it also stops its children itself on SIGINT/SIGTERM.
# Inline socket completions make the driver's 1,000 receive loops cheaper (no thread-pool hop per frame);
# the driver removes the variable from the servers' environment.
DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 setsid dotnet "$bench_dir/Herald.Bench/bin/Release/net10.0/herald-bench.dll" --repo "$repo" "$@" &
driver=$!
cleanup() {
  trap - INT TERM EXIT
  if kill -0 "$driver" 2>/dev/null; then
    kill -TERM "$driver" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$driver" 2>/dev/null || break; sleep 0.1; done
  fi
  # Whatever is left of the driver's process group (its servers, wrk): TERM, then KILL.
  if kill -0 -- "-$driver" 2>/dev/null; then
    kill -TERM -- "-$driver" 2>/dev/null || true
    sleep 2
    kill -KILL -- "-$driver" 2>/dev/null || true
  fi
}
trap 'cleanup; exit 130' INT TERM
trap cleanup EXIT
status=0
wait "$driver" || status=$?
exit "$status"
