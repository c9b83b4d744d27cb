#!/usr/bin/env bash
# Installs what the importer's old-format and scan tests need: LibreOffice headless (writer +
# calc, no GUI) to convert .doc/.wps/.xls/.et/.rtf, CJK fonts, and the libGL/glib that OpenCV
# (used by the OCR engine, a PyPI package) loads. Idempotent; quiet when present.
# `make run` does not need it: without LibreOffice such a file gets a message saying what to install.
set -euo pipefail

if ! command -v soffice >/dev/null 2>&1 || ! ldconfig -p | grep -q 'libGL.so.1 ' \
   || ! ldconfig -p | grep -q 'libgthread-2.0.so.0 '; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "安装 LibreOffice（libreoffice-writer-nogui、libreoffice-calc-nogui）..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk libgl1 libglib2.0-0 >/dev/null
  else
    echo "导入旧版 Word/WPS/Excel 文件的测试需要 LibreOffice：请以 root 运行" \
      "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk" >&2
    exit 1
  fi
fi
