#!/bin/sh
# `make test` runs this before any test: the page checkers of tests/integration/test_site.py
# need npm (to fetch axe-core and vnu-jar, see tests/integration/page_checkers.py) and Java (to
# run vnu.jar), system packages that pip cannot install.
#   npm and java on PATH                 -> nothing to do
#   missing, root, apt-get available     -> install Debian's npm / default-jre-headless
#   missing otherwise                    -> one line saying what to run, exit status 2
missing=""
command -v npm >/dev/null 2>&1 || missing="$missing npm"
command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
[ -z "$missing" ] && exit 0
HELP="make test needs npm and Java for the page checkers (axe-core, the Nu Html Checker): run \`sudo apt-get install$missing\` (Debian/Ubuntu) and retry"
if [ "$(id -u 2>/dev/null)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing$missing for the page checkers" >&2
  export DEBIAN_FRONTEND=noninteractive
  # shellcheck disable=SC2086
  if apt-get update -qq && apt-get install -y -qq $missing >/dev/null \
      && command -v npm >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then
    exit 0
  fi
  echo "apt-get could not install$missing (see above); $HELP" >&2
  exit 2
fi
echo "$HELP" >&2
exit 2
