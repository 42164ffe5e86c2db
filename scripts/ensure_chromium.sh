#!/bin/sh
# `make test` runs this before any test: the browser test (tests/test_render.py) opens the
# rendered HTML in headless Chromium, a system package that pip cannot install.
#   chromium (or chromium-browser) on PATH  -> nothing to do
#   missing, root, apt-get available       -> install Debian's chromium package
#   missing otherwise                      -> one line saying what to run, exit status 2
HELP='make test needs Chromium for the browser test: run `sudo apt-get install chromium` (Debian/Ubuntu; elsewhere put `chromium` on PATH) and retry'

have_chromium() {
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1
}

have_chromium && exit 0
if [ "$(id -u 2>/dev/null)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium is missing: installing Debian's chromium package for the browser test" >&2
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq && apt-get install -y -qq chromium >/dev/null && have_chromium; then
    exit 0
  fi
  echo "apt-get could not install chromium (see above); $HELP" >&2
  exit 2
fi
echo "$HELP" >&2
exit 2
