#!/usr/bin/env bash
# Installs what the browser tests need: Debian's chromium, CJK fonts (so screenshots
# show Chinese) and axe-core from npm; and LibreOffice + poppler-utils for the PDF checks. Idempotent; quiet when everything is present.
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

# The 考核 annex tests render the Excel and Word files to PDF with LibreOffice (headless) and
# read the PDF with poppler-utils (pdfinfo, pdftotext).
if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "安装 libreoffice-writer-nogui、libreoffice-calc-nogui 与 poppler-utils ..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui libreoffice-calc-nogui \
      poppler-utils >/dev/null
  else
    echo "导出文件的 PDF 检查需要 LibreOffice 与 poppler-utils：请以 root 运行" \
      "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils" >&2
    exit 1
  fi
fi

if [ ! -f node_modules/axe-core/axe.min.js ]; then
  echo "安装 axe-core (npm) ..."
  npm install --no-audit --no-fund --silent >/dev/null
fi
