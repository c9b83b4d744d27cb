#!/usr/bin/env bash
# Copies htmx (installed from npm, see package.json) into static/vendor/htmx so the plan
# editor serves it locally — government intranets have no CDN. The copied files are kept
# in the repository, so `make run` needs no npm; run this after upgrading htmx.org.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/htmx.org/dist/htmx.min.js ]; then
  npm install --no-audit --no-fund --silent >/dev/null
fi
mkdir -p static/vendor/htmx
cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/htmx.min.js
cp node_modules/htmx.org/LICENSE static/vendor/htmx/LICENSE
node -e 'console.log(require("./node_modules/htmx.org/package.json").version)' > static/vendor/htmx/VERSION
