#!/usr/bin/env bash
# compare.sh SEAM OUT NAME: NAME.setup (a script run in a fresh repository's
# work tree, committed as the base) and NAME.diff (mailed as one patch);
# git am and seam apply each apply the mail. Prints one line:
#   git=0|1 seam=0|1 same=1|0|-   (0: it committed, 1: it refused)
# (same: the trees of the two commits are equal; "-" when one did not commit).
set -u
seam=$1 out=$2 name=$3 here=$(cd "$(dirname "$0")" && pwd)
d="$out/$name"
rm -rf "$d" && mkdir -p "$d" && cd "$d" || exit 2
git init -q repo && (cd repo && git config user.email t@example.org && git config user.name T &&
  bash "$here/$name.setup" && git add -A && git commit -qm base) || exit 2
{ printf 'From: A <a@example.org>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nSubject: [PATCH] t %s\nMessage-ID: <%s@example.org>\n\nbody\n---\n' "$name" "$name"
  cat "$here/$name.diff"; printf -- '-- \n2.39\n'; } > mail
{ printf 'From x Mon Jan  1 00:00:00 2024\n'; cat mail; } > mbox
git clone -q repo g
(cd g && git -c user.email=t@example.org -c user.name=T am -q ../mail >/dev/null 2>../git.err)
git_rc=$(( $? != 0 ))
"$seam" --db db ingest mbox >/dev/null 2>&1
"$seam" --db db apply "$name@example.org" --repo repo --branch s >seam.log 2>&1
seam_rc=$(( $? != 0 ))
same=-
if [ $git_rc = 0 ] && [ $seam_rc = 0 ]; then
  [ "$(git -C g rev-parse HEAD^{tree})" = "$(git -C repo rev-parse s^{tree})" ] && same=1 || same=0
fi
echo "git=$git_rc seam=$seam_rc same=$same"
