#!/usr/bin/env bash
# Headless Chromium for esnctl's HTML report test (tests/report_html.rs).
#
#   scripts/chromium.sh   install Debian's chromium (and a basic font) if needed, then
#                         print the browser's absolute path on stdout
#
# Installing needs root (as in CI, `.ci/run`); otherwise the packages must already be
# there and the script fails naming them. Install log: target/services/apt-install.log.
# Knobs: ESNCTL_SERVICES_DIR (default <repo>/target/services).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# No server instance here: lib.sh's NAME only labels the log lines.
name=chromium
readonly CHROMIUM=/usr/bin/chromium

[[ $# -eq 0 ]] || usage

# A font, or the screenshot has no text at all: --no-install-recommends skips Chromium's.
apt_install chromium fonts-dejavu-core
[[ -x $CHROMIUM ]] || die "chromium is installed but $CHROMIUM is missing"
echo "$CHROMIUM"
