#!/bin/sh
# make-base.sh DIR: the small repository the apply fixtures of this folder
# apply to (fixed dates: the same commit id every time).
set -e
git init -q -b master "$1"
cd "$1"
git config user.name 'Base Maker'
git config user.email base@example.org
git config commit.gpgsign false
mkdir -p rust/kernel drivers/misc
printf '// SPDX-License-Identifier: GPL-2.0\n\n//! A counter.\n\npub struct Counter(u32);\n\nimpl Counter {\n    /// Get.\n    pub fn get(&self) -> u32 {\n        self.0\n    }\n}\n' > rust/kernel/counter.rs
printf 'line one\r\nline two\r\nline three\r\nline four\r\nline five\r\n' > drivers/misc/notes.txt
printf 'int widget(void)\n{\n\treturn 0;\n}\n' > drivers/misc/widget.c
printf 'Read me.\n' > README
: > rust/kernel/empty.rs
ln -s drivers/misc misclink
git add -A
GIT_AUTHOR_DATE='1700000000 +0000' GIT_COMMITTER_DATE='1700000000 +0000' git commit -qm base
