#!/usr/bin/env bash
# The whole test suite, as CI runs it. Installs what the tests need that npm does not bring,
# makes sure the local PostgreSQL is up (the store suite runs on PGlite AND PostgreSQL), then
# type-checks, lints and runs every test. The last line is "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v psql >/dev/null 2>&1 || need_apt+=(postgresql-client)
# The black-box SIP tests (test/e2e/sip-*.test.ts) drive SIPp and two headless baresip phones.
command -v sipp >/dev/null 2>&1 || need_apt+=(sip-tester)
command -v baresip >/dev/null 2>&1 || need_apt+=(baresip-core)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need_apt[*]}"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"; fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# The PostgreSQL server of this machine (127.0.0.1:5432, trust auth, database "test").
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "Starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
fi
pg_isready -h 127.0.0.1 -p 5432 -q || { echo "PostgreSQL is not reachable at 127.0.0.1:5432 (the store suite needs it)"; exit 1; }

echo "== typecheck"; npx tsc -p tsconfig.json
echo "== lint"; npx eslint --max-warnings 0 .
echo "== format"; npx prettier --check . >/dev/null || { npx prettier --list-different .; echo "Run: npm run format"; exit 1; }
echo "== tests"; TZ=UTC npx vitest run
