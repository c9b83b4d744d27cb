#!/usr/bin/env bash
# Copies ECharts (installed from npm, see package.json) into static/vendor/echarts so the
# dashboard serves it locally — government intranets have no CDN. The copied files are
# kept in the repository, so `make run` needs no npm; run this after upgrading echarts.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/echarts/dist/echarts.common.min.js ]; then
  npm install --no-audit --no-fund --silent >/dev/null
fi
mkdir -p static/vendor/echarts
cp node_modules/echarts/dist/echarts.common.min.js static/vendor/echarts/echarts.min.js
cp node_modules/echarts/LICENSE static/vendor/echarts/LICENSE
node -e 'console.log(require("./node_modules/echarts/package.json").version)' > static/vendor/echarts/VERSION
