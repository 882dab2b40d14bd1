#!/usr/bin/env bash
# Installs everything seam needs to build and test on Debian 12 (bookworm).
# Run as root (or with sudo available). Idempotent.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends \
  build-essential cmake pkg-config git ca-certificates \
  libgmime-3.0-dev libgit2-dev libcmark-dev libsqlite3-dev doctest-dev \
  libtree-sitter-dev nlohmann-json3-dev libcli11-dev zlib1g-dev libdeflate-dev \
  libcurl4-openssl-dev \
  clang-14 libclang-rt-14-dev llvm
# clang-14 and its runtime (libFuzzer, ASan, UBSan) and llvm-symbolizer (package llvm)
# are for the sanitizer build and the fuzz harnesses (scripts/sanitize.sh,
# scripts/fuzz.sh).
# The workflow tests (seam fetch, seam review) serve their fixture threads with
# a real public-inbox-httpd (public-inbox-init, -index; Xapian for searches).
$SUDO apt-get install -y -q --no-install-recommends public-inbox libsearch-xapian-perl
# The mail client integrations are tested with the real clients, in tmux.
$SUDO apt-get install -y -q --no-install-recommends tmux neomutt aerc less
# b4: the peer the series tests compare trailer collection with (b4 am -t).
$SUDO apt-get install -y -q --no-install-recommends b4
# git send-email: the reply tests check seam's drafts with it (--dry-run, no network).
$SUDO apt-get install -y -q --no-install-recommends git-email
# The tree-sitter grammar is fetched with `npm pack` at configure time. Machines
# with a Node.js from elsewhere already have npm; Debian's npm would conflict.
if ! command -v npm >/dev/null 2>&1; then
  $SUDO apt-get install -y -q npm
fi
# `seam site` is checked in a real browser: the tests load its pages in
# headless Chromium (tests/site/).
$SUDO apt-get install -y -q --no-install-recommends chromium
