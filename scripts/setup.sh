#!/usr/bin/env bash
# Installs what the project needs and skips what is already there (a second run takes seconds).
#   scripts/setup.sh build   the wasm target, wasm-bindgen CLI (exact version), npm packages
#   scripts/setup.sh test    all of the above, plus clippy/rustfmt and Debian's chromium
# Every install the README's two commands rely on lives here, so a fresh machine and CI need
# nothing else than rustup, Node 20+ and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-build}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

for tool in cargo rustup node npm; do
  command -v "$tool" >/dev/null || { echo "setup: $tool is required but not installed" >&2; exit 1; }
done
# Node 20.19+ (or 22.12+): what the package promises is 20+, but the bundler test's Vite needs these.
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 12) || (a === 20 && b >= 19) ? 0 : 1)' \
  || { echo "setup: Node 20.19+ or 22.12+ is required for the tests (found $(node --version))" >&2; exit 1; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The CLI must match the wasm-bindgen crate exactly (pinned with "=" in Cargo.toml).
want=$(sed -n 's/^wasm-bindgen = "=\(.*\)"$/\1/p' Cargo.toml)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (found '${have:-none}'; takes ~4 min)"
  # --locked first, for the exact dependency set; without it if the registry lacks a locked
  # version (seen with a mirror missing a yanked webpki-roots).
  cargo install wasm-bindgen-cli --version "$want" --locked --force \
    || cargo install wasm-bindgen-cli --version "$want" --force
fi

# npm packages: wasm-opt (binaryen), deno, bun, workerd, playwright-core, typescript, vite.
# Each ships its binary in a registry package; bun's postinstall links it into place (without
# it, `bun` is a stub that only prints an error), so install scripts must run.
# `npm install`, not `npm ci`: the lockfile cannot list the other platforms' optional binaries
# of deno and workerd that the registry lacks at these versions, and `npm ci` refuses a
# lockfile without them (npm/cli#9846). `npm install` follows the lockfile for the rest.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
   || [ package.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm install --no-audit --no-fund --loglevel=error
  # npm removes links it did not make; restore the package link if pkg/ is built.
  if [ -d pkg ]; then ln -sfn ../pkg node_modules/account-journey; fi
fi
# npm 11 may skip install scripts it has not been told to allow: link bun's binary if so.
if ! node_modules/.bin/bun --version >/dev/null 2>&1; then
  say "linking bun's binary (its postinstall did not run)"
  (cd node_modules/bun && node install.js)
fi
for tool in wasm-opt deno bun workerd; do
  node_modules/.bin/$tool --version >/dev/null 2>&1 \
    || { echo "setup: node_modules/.bin/$tool does not run after npm install" >&2; exit 1; }
done

if [ "$mode" = test ]; then
  for component in clippy rustfmt; do
    if ! rustup component list --installed | grep -q "^$component"; then
      say "adding rustup component $component"
      rustup component add "$component"
    fi
  done
  if ! command -v chromium >/dev/null; then
    say "installing Debian's chromium (for the browser tests)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
fi
