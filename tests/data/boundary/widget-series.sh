#!/usr/bin/env bash
# Makes a tiny kernel-like tree and a two-patch series against it, for the
# tests of `seam classify/checklist --repo`:
#   DIR/repo          the tree at its base commit (branch master)
#   DIR/series.mbox   [PATCH 1/2] a C change to widget_get(), which Rust uses
#                     through bindings::, and to WIDGET_MAX, which Rust uses
#                     only after [PATCH 2/2]: a Rust change to an unsafe
#                     block whose SAFETY comment lies above the hunk.
set -euo pipefail
dir=$1
r=$dir/repo
git init -q -b master "$r"
cd "$r"
git config user.name "Ada Example"
git config user.email ada@example.org
mkdir -p rust/bindings rust/kernel include/linux drivers/widget
printf '#include <linux/widget.h>\n' > rust/bindings/bindings_helper.h
cat > include/linux/widget.h <<'H'
#define WIDGET_MAX 8
struct widget {
	int state;
};
int widget_get(struct widget *w);
H
cat > drivers/widget/core.c <<'C'
#include <linux/widget.h>

int widget_get(struct widget *w)
{
	return w->state;
}

static int widget_unrelated(void)
{
	return 0;
}
C
cat > rust/kernel/widget.rs <<'RS'
//! Widgets.

use crate::bindings;

/// A widget.
pub struct Widget(*mut bindings::widget);

impl Widget {
    /// Its state.
    pub fn state(&self) -> i32 {
        // SAFETY: `self.0` is valid for the lifetime of `self`: the type
        // invariant says so, and nothing here frees it. The C function
        // takes no lock and only reads the state.
        //
        // (more words so that the hunk below does not show the first line)
        //
        unsafe { bindings::widget_get(self.0) }
    }
}
RS
GIT_COMMITTER_DATE="2026-01-01T00:00:00Z" GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" git add -A
GIT_COMMITTER_DATE="2026-01-01T00:00:00Z" GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" git commit -qm base
sed -i 's/return w->state;/return READ_ONCE(w->state);/; s/return 0;/return 1;/' drivers/widget/core.c
sed -i 's/int state;/long state;/; s/WIDGET_MAX 8/WIDGET_MAX 16/' include/linux/widget.h
GIT_COMMITTER_DATE="2026-01-02T00:00:00Z" GIT_AUTHOR_DATE="2026-01-02T00:00:00Z" \
  git commit -qam "widget: read the state once" -m "Signed-off-by: Ada Example <ada@example.org>"
sed -i 's/unsafe { bindings::widget_get(self.0) }/unsafe { bindings::widget_get(self.0) as i32 }/' rust/kernel/widget.rs
printf '\n/// The most widgets.\npub const MAX: u32 = bindings::WIDGET_MAX;\n' >> rust/kernel/widget.rs
GIT_COMMITTER_DATE="2026-01-03T00:00:00Z" GIT_AUTHOR_DATE="2026-01-03T00:00:00Z" \
  git commit -qam "rust: widget: the state is a long now" -m "Signed-off-by: Ada Example <ada@example.org>"
git format-patch -q --stdout --thread --cover-letter -2 > "$dir/series.mbox"
git reset -q --hard HEAD~2
