#!/usr/bin/env bash
# Generates the older spec (camunda-2026-04-30) into a temporary package next to the SDK's
# handwritten Support/ files and builds it, proving the generator's output compiles for it too.
# Prints the generator's summary and the size of the difference to the current output.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$root/openapi/fetch-spec.sh" older "$work/spec" >/dev/null
mkdir -p "$work/pkg/Sources/CamundaAPI"
cp -R "$root/Sources/CamundaAPI/Support" "$work/pkg/Sources/CamundaAPI/Support"
generate="${CAMUNDA_GENERATE:-$root/.build/debug/camunda-generate}"
[ -x "$generate" ] || (cd "$root" && swift build --product camunda-generate >/dev/null)
"$generate" --spec "$work/spec/rest-api.yaml" --output "$work/pkg/Sources/CamundaAPI/Generated" | head -2
cat > "$work/pkg/Package.swift" <<'PKG'
// swift-tools-version:6.1
import PackageDescription
let package = Package(name: "older", targets: [.target(name: "CamundaAPI")])
PKG
(cd "$work/pkg" && swift build 2>&1 | grep -E "error|warning: |Compiling|Build complete" | grep -v "^\[" || true)
(cd "$work/pkg" && swift build >/dev/null 2>&1) || { echo "check-older-spec: the older spec's output does not compile" >&2; exit 1; }
echo "check-older-spec: generated output of camunda-2026-04-30 compiles"
echo "check-older-spec: diff against the current output (files, lines):"
diff -r "$work/pkg/Sources/CamundaAPI/Generated" "$root/Sources/CamundaAPI/Generated" | grep -c '^[<>]' || true
