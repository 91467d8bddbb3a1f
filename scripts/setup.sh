#!/usr/bin/env bash
# Installs everything Herald needs to build, run and test on Debian 12.
# Idempotent: packages already present are skipped quickly.
set -euo pipefail

PKGS=(
  # toolchain
  build-essential cmake ninja-build ccache mold pkg-config git
  # libraries (Boost 1.81, not the default 1.74)
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libtomlplusplus-dev
  libsqlite3-dev sqlite3 libctemplate-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
  libsodium-dev libvips-dev libicu-dev libspdlog-dev libfmt-dev zlib1g-dev libssl-dev
  libcurl4-openssl-dev libxxhash-dev
  libgoogle-perftools-dev
  # several nodes: PostgreSQL 15 and its client library, NATS JetStream and its C client
  postgresql-15 libpq-dev nats-server libnats-dev
  # tests (clang and its runtime: libFuzzer targets under ASan + UBSan, `make fuzz`)
  clang libclang-rt-14-dev
  libgtest-dev libgmock-dev python3 python3-feedparser python3-aiosmtpd chromium nodejs
  # benchmarks; haproxy balances the cluster in tests and `make cluster`
  wrk nginx-light haproxy valgrind
)

missing=()
# npm ships inside some nodejs builds (which then conflict with Debian's npm package).
command -v npm >/dev/null 2>&1 || PKGS+=(npm)
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
  # nginx-light starts a service on install; Herald does not need it running.
  $SUDO systemctl stop nginx 2>/dev/null || $SUDO service nginx stop 2>/dev/null || true
fi

# Front-end test tooling (playwright-core drives Debian's chromium; no browser download).
if [ "${HERALD_SKIP_NPM:-0}" != 1 ] && [ -f package.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
    echo "setup: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    touch node_modules
  fi
fi
