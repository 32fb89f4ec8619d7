#!/usr/bin/env bash
# The main job on the embedded default: install what is missing, build pkg/, and run the default
# journey from Node over the bundled sample accounts (examples/node/default-journey.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh build
echo "==> building pkg/ (release wasm)" >&2
bash scripts/build-pkg.sh
node examples/node/default-journey.mjs
