#!/usr/bin/env bash
# Fuzzes one target for a bounded time: builds Herald.Fuzz (Release), instruments a copy of the server, the plugin-hosting
# kernel and YamlDotNet with sharpfuzz, replays the seeds, runs afl-fuzz, and prints one summary line. Exit 0: no finding; 1: a crash or a
# confirmed hang (the inputs are listed with their exception); 2: the run itself failed.
#
#   tests/Herald.Fuzz/run.sh <body|config|plugin> <seconds>
#
# Needs afl-fuzz (Debian's afl++) and the sharpfuzz tool (restored from tests/Herald.Fuzz/dotnet-tools.json).
# Everything it writes is under tests/Herald.Fuzz/bin/afl/<target>/ (findings/default/{crashes,hangs,queue}).
set -uo pipefail

usage() { echo "usage: $0 <body|config|plugin> <seconds>" >&2; exit 2; }
[ $# -eq 2 ] || usage
target=$1
seconds=$2
case "$target" in body|config|plugin) ;; *) usage ;; esac
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || usage

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$here/bin/afl/$target"
app="$work/app"
seeds="$work/seeds"
findings="$work/findings"

fail() { echo "fuzz $target: $*" >&2; exit 2; }
command -v afl-fuzz >/dev/null 2>&1 || fail "afl-fuzz not found (apt-get install afl++)"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
(cd "$here" && dotnet tool restore >/dev/null) || fail "dotnet tool restore (sharpfuzz) failed"
mkdir -p "$here/bin/afl"
dotnet build "$here/Herald.Fuzz.csproj" -c Release -nologo -v:q >"$work.build.log" 2>&1 \
  || { tail -n 30 "$work.build.log" >&2; fail "build failed"; }

# A fresh copy per target, instrumented in place; the normal build output stays uninstrumented.
rm -rf "$work" && mkdir -p "$app" "$seeds"
cp -r "$here/bin/Release/net10.0/." "$app/"
# Herald.PluginHosting.dll holds the plugin-package readers (staging, the compatibility check).
for assembly in herald.dll Herald.PluginHosting.dll YamlDotNet.dll; do
  (cd "$here" && dotnet tool run sharpfuzz "$app/$assembly" >/dev/null) || fail "sharpfuzz could not instrument $assembly"
done

# Seeds, replays and triage run the uninstrumented build: instrumented code only runs under afl-fuzz's shared memory.
plain="$here/bin/Release/net10.0/Herald.Fuzz.dll"
cp -r "$here/corpus/$target/." "$seeds/"
dotnet "$plain" seeds "$target" "$seeds" || fail "could not write the generated seeds"

# A seed that fails is a finding already (afl-fuzz would refuse to start on it).
if ! replay=$(dotnet "$plain" replay "$target" "$seeds"/*); then
  grep -v ': ok$' <<<"$replay"
  echo "fuzz $target: a seed input fails; 0 executions"
  exit 1
fi

# AFL_SKIP_BIN_CHECK: the fuzzed binary is `dotnet`, not an instrumented executable. -t: a hang is an input that takes
# more than 10 s (an input takes milliseconds; the margin is for a loaded machine). -m none: the runtime reserves far
# more address space than it uses.
AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_FAST_CAL=1 \
AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
  afl-fuzz -V "$seconds" -t 10000 -m none -i "$seeds" -o "$findings" -x "$here/dictionaries/$target.dict" \
  -- dotnet "$app/Herald.Fuzz.dll" "$target" >"$work/afl.log" 2>&1
afl_status=$?

stats="$findings/default/fuzzer_stats"
if [ ! -f "$stats" ]; then
  tail -n 30 "$work/afl.log" >&2
  fail "afl-fuzz did not run (exit $afl_status)"
fi
stat() { sed -n "s/^$1 *: *//p" "$stats" | head -n 1; }

crashes=("$findings"/default/crashes/id:*)
hangs=("$findings"/default/hangs/id:*)
[ -e "${crashes[0]}" ] || crashes=()
[ -e "${hangs[0]}" ] || hangs=()

# A hang is confirmed only if replaying it alone still takes longer than afl-fuzz's limit.
confirmed_hangs=()
for input in "${hangs[@]}"; do
  timeout 10 dotnet "$plain" replay "$target" "$input" >/dev/null 2>&1
  [ $? -eq 124 ] && confirmed_hangs+=("$input")
done

for input in "${crashes[@]}"; do
  dotnet "$plain" replay "$target" "$input" 2>&1 | tail -n 1
done
for input in "${confirmed_hangs[@]}"; do
  echo "$input: hang (longer than 10 s)"
done

echo "fuzz $target: $(stat run_time) s, $(stat execs_done) executions ($(stat execs_per_sec)/s), $(stat corpus_count) paths, $(stat edges_found) edges ($(stat bitmap_cvg) of the map), ${#crashes[@]} crashes, ${#confirmed_hangs[@]} hangs (${#hangs[@]} reported)"
[ ${#crashes[@]} -eq 0 ] && [ ${#confirmed_hangs[@]} -eq 0 ]
