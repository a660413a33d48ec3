#!/bin/sh
# Debian packages the test suite needs, installed only when missing (safe to run every time).
# chromium: the history page is loaded and screenshotted in headless Chromium (tests/test_history_page.py).
# redis-server: the distributed crawl's tests and `make distributed-demo`.
set -e
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v redis-server >/dev/null 2>&1 || need="$need redis-server"
[ -z "$need" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
        echo "system-packages: missing$need (run as root: apt-get install -y$need)" >&2; exit 0; fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq $need
