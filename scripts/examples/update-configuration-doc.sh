#!/usr/bin/env bash
# Regenerates the variable table of Sources/CamundaOrchestration/Documentation.docc/ConfiguringTheClient.md
# from CamundaConfiguration.variables (the test that checks it writes it when asked to).
set -euo pipefail
cd "$(dirname "$0")/../.."
UPDATE_CONFIGURATION_DOC=1 swift test "$@" --filter ConfigurationDocumentationTests
