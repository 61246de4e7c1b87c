# Shared by scripts/start.sh and scripts/test.sh.
# shellcheck shell=bash

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

require_node() {
  if ! command -v node >/dev/null 2>&1; then
    echo "Yunpan needs Node.js 20.19 or newer, and 'node' is not installed." >&2
    echo "Install Node.js 20.19+ (or 22 LTS) from your distribution or nodejs.org, then run this again." >&2
    exit 1
  fi
  if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'; then
    echo "Yunpan needs Node.js 20.19 or newer; this machine has $(node --version)." >&2
    echo "Debian 12's own nodejs package is 18: install Node.js 20.19+ or 22 LTS, then run this again." >&2
    exit 1
  fi
}

# apt_install PKG... : installs the Debian packages that are missing (root or sudo).
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# npm dependencies, reinstalled when package-lock.json changed since the last install.
install_npm_deps() {
  export NEXT_TELEMETRY_DISABLED=1
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "Installing npm dependencies"
    # `npm install` with the committed lock: npm 11's `npm ci` refuses this lock because it lists
    # only this platform's optional native packages (SWC, Tailwind oxide), which is harmless here.
    # --loglevel=error: npm's warnings here are about packages, not this machine. The one every
    # install printed, EBADENGINE for @prisma/streams-local (Node 22+), comes from the prisma CLI's
    # `prisma dev` (prisma -> @prisma/dev), which Yunpan never runs. Errors still show.
    npm install --no-audit --no-fund --loglevel=error
  fi
  # generated code is not committed; make sure it matches the schema
  node scripts/prisma-generate.mjs >/dev/null
}
