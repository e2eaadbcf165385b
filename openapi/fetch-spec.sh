#!/usr/bin/env bash
# Places the pinned Camunda spec in openapi/spec/ (git-ignored).
# Copies from ../shared/openapi/<version>/ when present, else downloads from upstream at the pinned ref.
# Usage: openapi/fetch-spec.sh [current|older] [destination]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
which="${1:-current}"
case "$which" in
  current) version=camunda-2026-08-21; ref=f919c52404c0d2cc449d07b62cc0e32471b8fc92; dest_default="$here/spec" ;;
  older)   version=camunda-2026-04-30; ref=6b1e6a5b1d2efc8f4524131aef81eec0e655c817; dest_default="$here/spec-older" ;;
  *) echo "usage: $0 [current|older] [destination]" >&2; exit 2 ;;
esac
dest="${2:-$dest_default}"
shared=""
for candidate in "${CAMUNDA_SHARED_OPENAPI:-}" "$here/../../shared/openapi" "/work/shared/openapi"; do
  if [ -n "$candidate" ] && [ -d "$candidate/$version" ]; then shared="$candidate/$version"; break; fi
done
mkdir -p "$dest"
if [ -n "$shared" ]; then
  cp "$shared"/*.yaml "$dest"/
  [ -n "$(ls "$shared"/*.json 2>/dev/null)" ] && cp "$shared"/*.json "$dest"/ || true
  echo "fetch-spec: copied $version from $shared to $dest"
else
  base="https://raw.githubusercontent.com/camunda/orchestration-cluster-api-python/$ref/external-spec/upstream/zeebe/gateway-protocol/src/main/proto/v2"
  list="$here/files-$which.txt"
  while read -r file; do
    [ -n "$file" ] || continue
    curl -fsSL "$base/$file" -o "$dest/$file"
  done < "$list"
  echo "fetch-spec: downloaded $version at $ref to $dest"
fi
if [ "$which" = current ] && command -v sha256sum >/dev/null; then
  (cd "$dest" && sha256sum -c --quiet "$here/SHA256SUMS") || { echo "fetch-spec: checksum mismatch" >&2; exit 1; }
fi
