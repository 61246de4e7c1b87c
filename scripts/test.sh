#!/usr/bin/env bash
# Every test, from a fresh machine: installs what the tests need (Debian packages and npm
# dependencies), then typecheck, lint, unit tests, integration tests on PGlite and on a real
# PostgreSQL, a production build, and the browser journeys in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

require_node
apt_install chromium postgresql redis-server nginx-light ceph-mon ceph-osd radosgw fonts-noto-cjk litmus rclone python3-prometheus-client prometheus
install_npm_deps

RESULTS=$(mktemp -d)
trap 'rm -rf "$RESULTS"' EXIT
export NEXT_TELEMETRY_DISABLED=1 LOG_LEVEL=silent
started=$SECONDS
step() { say "$1 ($((SECONDS - started))s)"; }

step "Typecheck"
npx tsc --noEmit -p .
step "Lint"
npx eslint --max-warnings 0 .
npm run --silent lint:deps

step "Unit tests"
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json="$RESULTS/unit.json"

step "Integration tests on PGlite (embedded)"
npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$RESULTS/int-pglite.json"

step "Integration tests on PostgreSQL, with S3 on a throwaway Ceph RGW"
node scripts/with-s3.mjs node scripts/with-postgres.mjs \
  npx vitest run --project integration --reporter=default --reporter=json --outputFile.json="$RESULTS/int-postgres-s3.json"

step "S3 outage test, on a Ceph RGW of its own (it stops the gateway mid-upload)"
TEST_S3_OUTAGE=1 node scripts/with-s3.mjs \
  npx vitest run --project integration server/upload/s3-outage --reporter=default --reporter=json --outputFile.json="$RESULTS/int-s3-outage.json"

step "Production build"
npm run build

# Needs the build above: it starts dist/server.mjs itself (a missing build fails, never skips).
step "Production server checks (downloads without a garbage-collection crawl)"
npx vitest run --project production --reporter=default --reporter=json --outputFile.json="$RESULTS/production.json"

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

step "Browser tests (Playwright, Chromium)"
E2E_PORT=$(free_port) PLAYWRIGHT_JSON_OUTPUT_NAME="$RESULTS/e2e.json" npx playwright test --reporter=list,json

# The same build storing on a Ceph RGW of its own: the browser sends parts straight to the bucket
# (the spec skips in the step above, whose server stores on disk).
step "Browser tests of direct upload to S3 (Playwright, on a Ceph RGW)"
E2E_S3=1 E2E_PORT=$(free_port) PLAYWRIGHT_JSON_OUTPUT_NAME="$RESULTS/e2e-s3.json" \
  node scripts/with-s3.mjs npx playwright test e2e/direct-upload.spec.ts --reporter=list,json

step "Done"
node scripts/test-summary.mjs "$RESULTS"
