#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the widgets' browser tests (driven by
# playwright-core, never `npx playwright install`: its downloads fail on these machines). When it
# is missing and we are root with apt-get, installs `chromium` and CJK fonts (the widgets speak
# zh-CN) non-interactively. Exits 0 when Chromium is there afterwards, 1 otherwise; the tests
# then print one line naming what they skipped.
set -uo pipefail
bin="${HOMEVISIT_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$bin" ]; then
  echo "Chromium ready at $bin"
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium with apt-get (once per machine)"
  export DEBIAN_FRONTEND=noninteractive
  # Another apt on the machine holds the lock for a while: wait for it rather than fail.
  apt_opts=(-o DPkg::Lock::Timeout=600 -y -qq --no-install-recommends)
  { apt-get -o DPkg::Lock::Timeout=600 update -qq &&
    apt-get "${apt_opts[@]}" install chromium fonts-noto-cjk; } >/tmp/homevisit-chromium-install.log 2>&1 ||
    echo "apt-get could not install chromium (see /tmp/homevisit-chromium-install.log)"
fi
if [ -x "$bin" ]; then
  echo "Chromium ready at $bin"
  exit 0
fi
echo "no Chromium at $bin"
exit 1
