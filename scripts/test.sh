#!/usr/bin/env bash
# The whole test suite: set-up, typecheck, lint/format check, then vitest against real servers
# (a Temporal dev server and PostgreSQL started by test/global-setup.ts). The pure unit tests run
# twice, under two time zones, to show that nothing depends on the host's zone.
set -euo pipefail
export LOG_LEVEL="${LOG_LEVEL:-warn}"   # the product logs JSON lines; keep test output readable
cd "$(dirname "$0")/.."
start=$(date +%s)

bash scripts/setup.sh --test
echo "== typecheck"; npm run --silent typecheck
echo "== lint and format check"; npx biome ci .
echo "== unit tests under TZ=America/Los_Angeles"
TZ=America/Los_Angeles npx vitest run --project unit
echo "== all tests under TZ=UTC, with coverage"
mkdir -p .data
rm -f .data/vitest-report.json
set +e
TZ=UTC npx vitest run --coverage --reporter=default --reporter=json --outputFile.json=.data/vitest-report.json
status=$?
set -e
# The exit code alone is not enough: embedded-postgres' exit hook (in the global setup) can turn
# vitest's exit code into 0, so the report decides too.
if [ -f .data/vitest-report.json ]; then
  node -e '
    const r = require("./.data/vitest-report.json");
    console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
    if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
    if (r.numFailedTests > 0 || r.numFailedTestSuites > 0 || r.success === false) process.exit(1);
  ' || status=1
else
  echo "no vitest report written"; status=1
fi
echo "== test command took $(( $(date +%s) - start )) s"
exit $status
