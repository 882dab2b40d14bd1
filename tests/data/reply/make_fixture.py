#!/usr/bin/env python3
# Writes series.mbox: an invented two-patch Rust series, v1 and v2, for the
# note and reply tests. In v2 the unsafe block of Widget::reset changed, the
# one of Widget::level moved down a line unchanged. Headers carry a Reply-To,
# non-ASCII names and subject, and an encoded CR LF that must not become a
# header of a reply. Run it again after editing; the mbox is committed.
import os

def widget(v):
    lines = [
        "// SPDX-License-Identifier: GPL-2.0",
        "",
        "//! Widgets.",
        "",
        "use crate::bindings;",
        "",
        "/// A widget.",
        "pub struct Widget {",
        "    ptr: *mut bindings::widget,",
        "}",
        "",
        "impl Widget {",
        "    /// Reads the widget's level.",
    ]
    if v == 2:
        lines.append("    /// The level is between 0 and 7.")
    lines += [
        "    pub fn level(&self) -> u32 {",
        "        // SAFETY: `ptr` is valid for the lifetime of `self`.",
        "        unsafe { bindings::widget_level(self.ptr) }",
        "    }",
        "",
        "    /// Resets the widget.",
        "    pub fn reset(&self) {",
        "        unsafe { bindings::widget_reset(self.ptr) }" if v == 1 else
        "        unsafe { bindings::widget_reset(self.ptr, 0) }",
        "    }",
        "",
        "    /// Frees the widget.",
        "    pub fn free(&self) {",
        "        // SAFETY: TODO",
        "        unsafe { bindings::widget_free(self.ptr) }",
        "    }",
        "}",
    ]
    return lines

def new_file_diff(path, lines):
    out = [f"diff --git a/{path} b/{path}", "new file mode 100644", "index 0000000..1111111",
           "--- /dev/null", f"+++ b/{path}", f"@@ -0,0 +1,{len(lines)} @@"]
    out += ["+" + l for l in lines]
    return out

def helper_diff(v):
    lines = ["// SPDX-License-Identifier: GPL-2.0", "", "#include <linux/widget.h>", "",
             "void rust_helper_widget_reset(struct widget *w)" if v == 1 else
             "void rust_helper_widget_reset(struct widget *w, int how)",
             "{", "\twidget_reset(w);" if v == 1 else "\twidget_reset(w, how);", "}"]
    return new_file_diff("rust/helpers/widget.c", lines)

def msg(v, n, subject, body, in_reply_to=None):
    tag = "PATCH" if v == 1 else f"PATCH v{v}"
    mid = f"20260105-widget-v{v}-{n}-zoe@example.org"
    h = [
        "From mboxrd@z Thu Jan  1 00:00:00 1970",
        "From: =?UTF-8?Q?Zo=C3=AB_Example?= <zoe@example.org>",
        "Reply-To: Zoe Lists <zoe+lists@example.org>",
        "To: rust-for-linux@example.org",
        "Cc: Yann Reviewer <yann@example.net>,",
        " =?UTF-8?B?w4l2aWwNCkJjYzogc3B5QGV4YW1wbGUuY29t?= <evil@example.com>",  # "Évil\r\nBcc: spy@example.com"
        f"Subject: =?UTF-8?Q?[{tag.replace(' ', '_')}_{n}/2]_{subject.replace(' ', '_').replace('é', '=C3=A9')}?=",
        f"Date: Mon, {4 + v:02d} Jan 2026 10:00:0{n} +0100",
        f"Message-Id: <{mid}>",
    ]
    if in_reply_to:
        h += [f"In-Reply-To: <{in_reply_to}>", f"References: <{in_reply_to}>"]
    h += ["MIME-Version: 1.0", 'Content-Type: text/plain; charset="utf-8"', "Content-Transfer-Encoding: 8bit", ""]
    return "\n".join(h + body) + "\n\n"

out = ""
for v in (1, 2):
    cover = f"20260105-widget-v{v}-0-zoe@example.org"
    out += msg(v, 0, "rust: widget: a café of widgets", [
        "Widgets for Rust drivers.", "", "---", "base-commit: 0123456789abcdef0123456789abcdef01234567",
        "change-id: 20260101-widget-0a1b2c3d4e5f", "", "-- ", "Zoe Example"]).replace("0/2]_rust", "0/2]_rust")
    out += msg(v, 1, "rust: widget: add the café abstraction", [
        "Add a Widget type that wraps the C widget.", "", "Signed-off-by: Zoe Example <zoe@example.org>", "---",
        " rust/kernel/widget.rs | 30 ++++++++++++++++++++++++++++++", "", *new_file_diff("rust/kernel/widget.rs", widget(v)),
        "-- ", "2.47.0"], cover)
    out += msg(v, 2, "rust: helpers: add widget helpers", [
        "Helpers for the static inline functions.", "", "Signed-off-by: Zoe Example <zoe@example.org>", "---",
        *helper_diff(v), "-- ", "2.47.0"], cover)

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "series.mbox"), "w") as f:
    f.write(out)
