#!/usr/bin/env bash
# Installs what the browser tests need: Debian's chromium, CJK fonts (so screenshots
# show Chinese) and axe-core from npm. Idempotent; quiet when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "安装 chromium 与 fonts-noto-cjk ..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "浏览器测试需要 chromium 和 fonts-noto-cjk：请以 root 运行 apt-get install chromium fonts-noto-cjk" >&2
    exit 1
  fi
fi

if [ ! -f node_modules/axe-core/axe.min.js ]; then
  echo "安装 axe-core (npm) ..."
  npm install --no-audit --no-fund --silent >/dev/null
fi
