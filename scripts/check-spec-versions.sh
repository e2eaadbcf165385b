#!/usr/bin/env bash
# Generates other Camunda spec versions into temporary packages next to the SDK's handwritten
# Support/ files and JSON engine and builds each as `CamundaAPI` (on `CamundaJSONEngine`), proving the generator's output compiles for every
# spec it accepts: by default the 2026-04-30 and 2026-08-21 multi-file specs (the 2026-10-26 bundle is
# the committed output, compiled by the main build). Also checks that the 2026-08-21 multi-file spec and
# the 2026-10-26 bundle give the same public Swift API for what they have in common
# (scripts/public-api.py): only real spec changes may differ, and none of 08-21's declarations may be
# lost but those the spec itself dropped or changed (listed in scripts/api-layout-changes.txt).
#
#   scripts/check-older-spec.sh [VERSION ...]     VERSION: 2026-04-30, 2026-08-21, current
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
generate="${CAMUNDA_GENERATE:-$root/.build/debug/camunda-generate}"
[ -x "$generate" ] || (cd "$root" && swift build --product camunda-generate >/dev/null)
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(2026-04-30 2026-08-21)
for version in "${versions[@]}"; do
  entry="$("$root/openapi/fetch-spec.sh" "$version" "$work/spec-$version" 2>/dev/null | tail -1)"
  pkg="$work/pkg-$version"
  mkdir -p "$pkg/Sources/CamundaAPI"
  cp -R "$root/Sources/CamundaAPI/Support" "$pkg/Sources/CamundaAPI/Support"
  cp -R "$root/Sources/CamundaJSONEngine" "$pkg/Sources/CamundaJSONEngine"
  "$generate" --spec "$entry" --output "$pkg/Sources/CamundaAPI/Generated" 2>&1 | grep -v "^  wrote" | tail -2
  cat > "$pkg/Package.swift" <<'PKG'
// swift-tools-version:6.1
import PackageDescription
let settings: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]
let package = Package(name: "spec-check", targets: [
    .target(name: "CamundaJSONEngine", swiftSettings: settings),
    .target(name: "CamundaAPI", dependencies: ["CamundaJSONEngine"], swiftSettings: settings),
])
PKG
  if ! (cd "$pkg" && swift build 2>&1 | tee "$work/build-$version.log" | grep -E "error:" | head -20; test "${PIPESTATUS[0]}" -eq 0); then
    echo "check-older-spec: the $version spec's output does not compile" >&2
    exit 1
  fi
  echo "check-older-spec: generated output of $version compiles as CamundaAPI"
done
if [ -d "$work/pkg-2026-08-21" ]; then
  python3 "$root/scripts/public-api.py" "$work/pkg-2026-08-21/Sources/CamundaAPI/Generated" --expand-aliases > "$work/api-0821.txt"
  python3 "$root/scripts/public-api.py" "$root/Sources/CamundaAPI/Generated" --expand-aliases > "$work/api-1026.txt"
  lost="$(comm -23 "$work/api-0821.txt" "$work/api-1026.txt" | grep -vxF -f "$root/scripts/api-layout-changes.txt" || true)"
  echo "check-older-spec: public API 2026-08-21 (multi-file) vs 2026-10-26 (bundle): $(comm -23 "$work/api-0821.txt" "$work/api-1026.txt" | wc -l) declarations changed or gone, $(comm -13 "$work/api-0821.txt" "$work/api-1026.txt" | wc -l) new"
  if [ -n "$lost" ]; then
    echo "check-older-spec: declarations of 2026-08-21 missing from the bundle's API that scripts/api-layout-changes.txt does not list:" >&2
    echo "$lost" >&2
    exit 1
  fi
fi
