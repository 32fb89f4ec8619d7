#!/usr/bin/env bash
# Every test of the project, in pyramid order: lint, native Rust tests, the wasm boundary under
# Node, then the built package in every runtime (Node ESM/CJS, Deno, Bun, workerd, Chromium),
# README snippets, TypeScript types and the .wasm size budget. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "setup (installs only what is missing)"
bash scripts/setup.sh test

step "format and lint"
cargo fmt --all --check
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy --lib --tests --target wasm32-unknown-unknown --quiet -- -D warnings

step "native tests (cargo test)"
cargo test --quiet

step "wasm boundary tests (wasm-bindgen-test in Node)"
cargo test --target wasm32-unknown-unknown --test wasm

step "build pkg/ (release wasm, wasm-opt -Oz)"
bash scripts/build-pkg.sh

step "JS tests against pkg/ (node --test): API contract, runtime matrix, README, types, size"
# A guard against a hung child keeping the runner alive (CI has 90 minutes in all).
timeout 900 node --test --test-reporter=spec tests/js/
