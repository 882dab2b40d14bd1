#!/usr/bin/env python3
"""Writes evil-series.mbox: a two-mail series (cover letter and one patch)
whose subject, author name, Message-ID, file name and SAFETY comment carry
terminal escape sequences (title, clear screen, OSC 52 clipboard), C1 and
bidi controls, raw HTML, javascript: links, images and stray backticks.
Invented people, example.org addresses. Run it to regenerate the fixture."""
import quopri, os

ESC, BEL = "\x1b", "\x07"
OSC52 = ESC + "]52;c;ZWNobyBwd25lZA==" + BEL      # sets the clipboard
TITLE = ESC + "]0;pwned" + BEL                       # retitles the terminal
CLEAR = ESC + "[2J"                                  # clears the screen
C1 = "\u009b31m"                                     # CSI as a C1 control
BIDI = "\u202e"                                      # right-to-left override
HTML = "<script>alert(1)</script><img src=x onerror=alert(2)>"
LINK = "[click](javascript:alert(3)) ![img](http://evil.example/x.png) <javascript:alert(4)>"


def ew(text):
    """RFC 2047 encoded-words (Q) of `text`, folded, each under 76 chars."""
    words, cur = [], ""
    for ch in text:
        enc = "".join(chr(b) if b < 128 and chr(b).isalnum() else "=%02X" % b for b in ch.encode())
        if len(cur) + len(enc) > 60:
            words.append(cur)
            cur = ""
        cur += enc
    words.append(cur)
    return "\n ".join("=?utf-8?q?" + w + "?=" for w in words)


def qp(text):
    return quopri.encodestring(text.encode()).decode()


subject = "rust: evil " + TITLE + CLEAR + " `tick " + HTML + " " + LINK + C1 + BIDI
author = "Mallory " + CLEAR + OSC52 + " <b>Evil</b>"
path = "rust/kernel/evil`x`" + TITLE + "<img src=x onerror=alert(5)>.rs"
safety = ("SAFETY: " + OSC52 + " `p` is valid " + CLEAR + " </code>" + HTML + " " + LINK +
          " ``` a`b " + C1 + BIDI + " \\<b>escaped</b>")
cover_id = "evil-0@example.org"
patch_id = "evil-1`x`<b>@example.org"

cover = f"""From mboxrd@z Thu Jan  1 00:00:00 1970
From: {ew(author)} <mallory@example.org>
To: rust-for-linux@example.org
Subject: [PATCH 0/1] {ew(subject)}
Date: Tue, 04 Nov 2025 10:00:00 +0000
Message-Id: <{cover_id}>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

A series that tries to take over the reviewer's terminal and browser.

"""

diff = f"""Add an evil file.

Signed-off-by: Mallory <mallory@example.org>
---
diff --git a/{path} b/{path}
new file mode 100644
index 0000000..1111111
--- /dev/null
+++ b/{path}
@@ -0,0 +1,9 @@
+// SPDX-License-Identifier: GPL-2.0
+
+//! Evil.
+
+pub fn read(p: *const u32) -> u32 {{
+    // {safety}
+    unsafe {{ *p }}
+}}
+// {CLEAR}{OSC52} in the code itself
"""

patch = f"""From mboxrd@z Thu Jan  1 00:00:00 1970
From: {ew(author)} <mallory@example.org>
To: rust-for-linux@example.org
Subject: [PATCH 1/1] {ew(subject)}
Date: Tue, 04 Nov 2025 10:00:01 +0000
Message-Id: <{patch_id}>
In-Reply-To: <{cover_id}>
References: <{cover_id}>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable

{qp(diff)}
"""

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "evil-series.mbox"), "w", newline="\n") as f:
    f.write(cover + patch)
