#!/usr/bin/env bash
# The main job on the embedded default: install what is missing, build pkg/, show the default
# journey over the bundled sample accounts and history (examples/node/default-journey.mjs), then
# replay a year of seeded synthetic history — 10,000 accounts, ~1,000,000 events — through it in
# worker shards and print the merged funnel, cohort and velocity reports, also written as JSON and
# CSV to out/main-job/ (examples/node/main-job.mjs; about two minutes on two cores).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh build
echo "==> building pkg/ (release wasm)" >&2
bash scripts/build-pkg.sh
node examples/node/default-journey.mjs
node examples/node/main-job.mjs
