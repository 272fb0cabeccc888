#!/usr/bin/env bash
# The plugin benchmark: webhook req/s as a plugin vs. built in, and start-up time with 20 plugins vs. none.
# Usage: bash bench/plugins/run.sh [seconds per measurement round, default 4]
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/Herald.Server -c Release -nologo -v:q -nodeReuse:false
dotnet run --project bench/plugins/Herald.Plugins.Bench -c Release -- "${1:-4}"
