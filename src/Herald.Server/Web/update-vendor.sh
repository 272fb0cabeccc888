#!/usr/bin/env bash
# Re-creates assets/static/vendor/ from the npm registry: the three libraries the web UI uses, at pinned versions,
# copied verbatim from their published packages (no build step), with their license files. Needs only `npm`
# (for `npm pack`); the normal build never runs this. To update a library, change its version below, run the
# script, review the diff and commit it together with the new SHA256SUMS.
set -euo pipefail
cd "$(dirname "$0")/assets/static/vendor"

MARKED=18.2.1
DOMPURIFY=3.4.18
FRACTIONAL_INDEXING=3.2.0

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() { # name version -> extracted folder
  (cd "$work" && npm pack --silent "$1@$2" >/dev/null && mkdir -p "$1" && tar xzf "$1-$2.tgz" -C "$1")
  echo "$work/$1/package"
}

m="$(fetch marked "$MARKED")"
cp "$m/lib/marked.esm.js" marked.esm.js
cp "$m/LICENSE" LICENSE.marked.txt

d="$(fetch dompurify "$DOMPURIFY")"
cp "$d/dist/purify.es.mjs" purify.es.mjs
cp "$d/LICENSE" LICENSE.dompurify.txt

f="$(fetch fractional-indexing "$FRACTIONAL_INDEXING")"
cp "$f/src/index.js" fractional-indexing.js
cp "$f/LICENSE" LICENSE.fractional-indexing.txt

cat > VERSIONS.txt <<VERSIONS
marked $MARKED (lib/marked.esm.js, MIT)
dompurify $DOMPURIFY (dist/purify.es.mjs, Apache-2.0 OR MPL-2.0)
fractional-indexing $FRACTIONAL_INDEXING (src/index.js, CC0-1.0)
VERSIONS

sha256sum marked.esm.js purify.es.mjs fractional-indexing.js > SHA256SUMS
echo "vendor/ updated:"; cat VERSIONS.txt
