#!/usr/bin/env bash
# Places a pinned Camunda spec in a git-ignored folder of openapi/ and verifies it by SHA-256.
#
#   openapi/fetch-spec.sh [VERSION] [DESTINATION]
#
# VERSION (default: current):
#   current | 2026-10-26  the newest published spec, one bundled file (rest-api.bundle.yaml), the one the
#                         committed Sources/CamundaAPI/Generated comes from      → openapi/spec/
#   2026-08-21            the multi-file spec before it (rest-api.yaml + 48 files)  → openapi/spec-2026-08-21/
#   older | 2026-04-30    an older multi-file spec                                 → openapi/spec-older/
#
# Sources, in order: $CAMUNDA_SHARED_OPENAPI/<folder>, ../shared/openapi/<folder> next to the project,
# /work/shared/openapi/<folder>; else the network: the bundle from the Python package index (the source
# archive of camunda-orchestration-sdk 10.0.1 ships it as generated/bundled_spec.yaml), the multi-file
# versions from GitHub at the pinned commits. Prints the entry file's path on its last line.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
which="${1:-current}"
case "$which" in
  current|2026-10-26) version=camunda-2026-10-26-bundled; sums=2026-10-26; entry=rest-api.bundle.yaml; dest_default="$here/spec" ;;
  2026-08-21) version=camunda-2026-08-21; sums=2026-08-21; entry=rest-api.yaml; ref=f919c52404c0d2cc449d07b62cc0e32471b8fc92; dest_default="$here/spec-2026-08-21" ;;
  older|2026-04-30) version=camunda-2026-04-30; sums=""; entry=rest-api.yaml; ref=6b1e6a5b1d2efc8f4524131aef81eec0e655c817; dest_default="$here/spec-older" ;;
  *) echo "usage: $0 [current|2026-10-26|2026-08-21|older|2026-04-30] [destination]" >&2; exit 2 ;;
esac
dest="${2:-$dest_default}"
shared=""
for candidate in "${CAMUNDA_SHARED_OPENAPI:-}" "$here/../../shared/openapi" "/work/shared/openapi"; do
  if [ -n "$candidate" ] && [ -d "$candidate/$version" ]; then shared="$candidate/$version"; break; fi
done
mkdir -p "$dest"
# Files are gathered and checked in a staging folder, then moved in with the entry file last, so a
# reader that waits for the entry file (tests running in parallel) never sees a partial spec.
stage="$(mktemp -d "$dest/.fetch.XXXXXX")"
work="$(mktemp -d)"
trap 'rm -rf "$stage" "$work"' EXIT
if [ -n "$shared" ]; then
  cp "$shared"/*.yaml "$stage"/
  [ -n "$(ls "$shared"/*.json 2>/dev/null)" ] && cp "$shared"/*.json "$stage"/ || true
  echo "fetch-spec: copied $version from $shared to $dest" >&2
elif [ "$version" = camunda-2026-10-26-bundled ]; then
  python3 -m pip download camunda-orchestration-sdk==10.0.1 --no-deps --no-binary :all: -d "$work" -q >&2 \
    || { echo "fetch-spec: cannot download camunda-orchestration-sdk 10.0.1 from the Python package index" >&2; exit 1; }
  tar -xzf "$work"/camunda_orchestration_sdk-10.0.1.tar.gz -C "$work" camunda_orchestration_sdk-10.0.1/generated/bundled_spec.yaml
  cp "$work"/camunda_orchestration_sdk-10.0.1/generated/bundled_spec.yaml "$stage/$entry"
  echo "fetch-spec: extracted $entry from camunda-orchestration-sdk 10.0.1 (PyPI) to $dest" >&2
else
  base="https://raw.githubusercontent.com/camunda/orchestration-cluster-api-python/$ref/external-spec/upstream/zeebe/gateway-protocol/src/main/proto/v2"
  while read -r file; do
    [ -n "$file" ] || continue
    curl -fsSL "$base/$file" -o "$stage/$file"
  done < "$here/files-${version#camunda-}.txt"
  echo "fetch-spec: downloaded $version at $ref to $dest" >&2
fi
if [ -n "$sums" ]; then
  (cd "$stage" && sha256sum -c --quiet "$here/SHA256SUMS-$sums") || { echo "fetch-spec: checksum mismatch in $dest" >&2; exit 1; }
fi
for file in "$stage"/*; do
  [ "$(basename "$file")" = "$entry" ] || mv -f "$file" "$dest/"
done
mv -f "$stage/$entry" "$dest/$entry"
echo "$dest/$entry"
