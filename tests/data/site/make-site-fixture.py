#!/usr/bin/env python3
"""Writes site.mbox, the fixture store of the `seam site` tests: three series
in three months (invented people, example.org addresses).

  - "rust: add a counter" v1 (2 patches, 2026-01) and v2 (3 patches, 2026-03):
    patch 1 unchanged, patch 2 changed (its unsafe block loses its SAFETY
    comment), patch 3 added; a Reviewed-by on v2 patch 1. Language: Rust.
  - "kbuild: quote the output path" (1 patch, 2026-02). Language: C.
  - a hostile series (2026-03) whose subject, author name and SAFETY comment
    carry <script>, onerror= and javascript: payloads that would retitle the
    page or mark its body if they ran. It touches a Rust and a C file: glue.

So the team page's "series per month" chart has 3 bars (2026-01: 1 Rust;
2026-02: 1 C; 2026-03: 1 Rust, 1 glue). Run it to regenerate the fixture."""
import os
import quopri


def ew(text):
    """RFC 2047 encoded-words (Q) of `text`, folded."""
    words, cur = [], ""
    for ch in text:
        enc = "".join(chr(b) if b < 128 and chr(b).isalnum() else "=%02X" % b for b in ch.encode())
        if len(cur) + len(enc) > 60:
            words.append(cur)
            cur = ""
        cur += enc
    words.append(cur)
    return "\n ".join("=?utf-8?q?" + w + "?=" for w in words)


def mail(frm, subject, date, msgid, body, reply_to=None, qp=False):
    hdr = f"From mboxrd@z Thu Jan  1 00:00:00 1970\nFrom: {frm}\nTo: rust-for-linux@example.org\n"
    hdr += f"Subject: {subject}\nDate: {date}\nMessage-Id: <{msgid}>\n"
    if reply_to:
        hdr += f"In-Reply-To: <{reply_to}>\nReferences: <{reply_to}>\n"
    hdr += 'MIME-Version: 1.0\nContent-Type: text/plain; charset="utf-8"\n'
    if qp:
        hdr += "Content-Transfer-Encoding: quoted-printable\n\n" + quopri.encodestring(body.encode()).decode()
    else:
        hdr += "Content-Transfer-Encoding: 8bit\n\n" + body
    return hdr + "\n"


ALICE = "Alice Example <alice@example.org>"
BOB = "Bob Reviewer <bob@example.org>"

COUNTER_RS = """diff --git a/rust/kernel/counter.rs b/rust/kernel/counter.rs
new file mode 100644
index 0000000..1111111
--- /dev/null
+++ b/rust/kernel/counter.rs
@@ -0,0 +1,6 @@
+// SPDX-License-Identifier: GPL-2.0
+
+//! A counter.
+
+/// A counter.
+pub struct Counter(u64);
"""


def read_rs(safety):
    comment = f"+    // SAFETY: {safety}\n" if safety else ""
    lines = 7 if safety else 6
    return f"""diff --git a/rust/kernel/counter_read.rs b/rust/kernel/counter_read.rs
new file mode 100644
index 0000000..2222222
--- /dev/null
+++ b/rust/kernel/counter_read.rs
@@ -0,0 +1,{lines} @@
+// SPDX-License-Identifier: GPL-2.0
+
+/// Reads the counter at `p`.
+pub fn read(p: *const u64) -> u64 {{
{comment}+    unsafe {{ *p }}
+}}
"""


RESET_RS = """diff --git a/rust/kernel/counter_reset.rs b/rust/kernel/counter_reset.rs
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/rust/kernel/counter_reset.rs
@@ -0,0 +1,6 @@
+// SPDX-License-Identifier: GPL-2.0
+
+/// Resets a counter.
+pub fn reset(c: &mut u64) {
+    *c = 0;
+}
"""

out = []
# Series A, v1.
out.append(mail(ALICE, "[PATCH 0/2] rust: add a counter", "Thu, 15 Jan 2026 10:00:00 +0000", "counter-v1-0@example.org",
                "A counter for drivers.\n\nchange-id: 20260115-counter-0001\n"))
out.append(mail(ALICE, "[PATCH 1/2] rust: counter: add the type", "Thu, 15 Jan 2026 10:00:01 +0000",
                "counter-v1-1@example.org",
                "Add the type.\n\nSigned-off-by: Alice Example <alice@example.org>\n---\n" + COUNTER_RS,
                "counter-v1-0@example.org"))
out.append(mail(ALICE, "[PATCH 2/2] rust: counter: add read", "Thu, 15 Jan 2026 10:00:02 +0000",
                "counter-v1-2@example.org",
                "Add read.\n\nSigned-off-by: Alice Example <alice@example.org>\n---\n" +
                read_rs("`p` is valid and aligned."), "counter-v1-0@example.org"))
# Series B.
out.append(mail("Carol Builder <carol@example.org>", "[PATCH] kbuild: quote the output path",
                "Tue, 10 Feb 2026 09:00:00 +0000", "kbuild-quote@example.org",
                """Quote it.

Signed-off-by: Carol Builder <carol@example.org>
---
diff --git a/scripts/link.c b/scripts/link.c
index 4444444..5555555 100644
--- a/scripts/link.c
+++ b/scripts/link.c
@@ -1,3 +1,3 @@
 int main(void)
 {
-	return 1;
+	return 0;
"""))
# Series A, v2.
out.append(mail(ALICE, "[PATCH v2 0/3] rust: add a counter", "Mon, 02 Mar 2026 10:00:00 +0000",
                "counter-v2-0@example.org", "A counter for drivers.\n\nchange-id: 20260115-counter-0001\n"))
out.append(mail(ALICE, "[PATCH v2 1/3] rust: counter: add the type", "Mon, 02 Mar 2026 10:00:01 +0000",
                "counter-v2-1@example.org",
                "Add the type.\n\nSigned-off-by: Alice Example <alice@example.org>\n---\n" + COUNTER_RS,
                "counter-v2-0@example.org"))
out.append(mail(ALICE, "[PATCH v2 2/3] rust: counter: add read", "Mon, 02 Mar 2026 10:00:02 +0000",
                "counter-v2-2@example.org",
                "Add read.\n\nSigned-off-by: Alice Example <alice@example.org>\n---\n" + read_rs(None),
                "counter-v2-0@example.org"))
out.append(mail(ALICE, "[PATCH v2 3/3] rust: counter: add reset", "Mon, 02 Mar 2026 10:00:03 +0000",
                "counter-v2-3@example.org",
                "Add reset.\n\nSigned-off-by: Alice Example <alice@example.org>\n---\n" + RESET_RS,
                "counter-v2-0@example.org"))
out.append(mail(BOB, "Re: [PATCH v2 1/3] rust: counter: add the type", "Tue, 03 Mar 2026 08:00:00 +0000",
                "counter-v2-1-review@example.org",
                "> Add the type.\n\nReviewed-by: Bob Reviewer <bob@example.org>\n", "counter-v2-1@example.org"))

# Series C: hostile.
SCRIPT = "<script>document.title='PWNED'</script>"
IMG = "<img src=x onerror=\"document.body.setAttribute('data-pwned','yes')\">"
LINK = "<a href=\"javascript:document.title='PWNED'\">click</a> javascript:alert(1)"
subject = "rust: evil " + SCRIPT + " " + IMG + " " + LINK
author = "Mallory " + SCRIPT + IMG
safety = "`p` is fine " + SCRIPT + " " + IMG + " " + LINK
evil = f"""Evil.

Signed-off-by: Mallory <mallory@example.org>
---
diff --git a/rust/kernel/evil.rs b/rust/kernel/evil.rs
new file mode 100644
index 0000000..6666666
--- /dev/null
+++ b/rust/kernel/evil.rs
@@ -0,0 +1,6 @@
+// SPDX-License-Identifier: GPL-2.0
+
+pub fn read(p: *const u32) -> u32 {{
+    // SAFETY: {safety}
+    unsafe {{ *p }}
+}}
diff --git a/drivers/evil/evil.c b/drivers/evil/evil.c
index 7777777..8888888 100644
--- a/drivers/evil/evil.c
+++ b/drivers/evil/evil.c
@@ -1,2 +1,2 @@
 /* {SCRIPT} */
-int evil;
+int evil = 1;
"""
out.append(mail(f"{ew(author)} <mallory@example.org>", f"[PATCH] {ew(subject)}", "Wed, 18 Mar 2026 12:00:00 +0000",
                "evil-site@example.org", evil, qp=True))

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "site.mbox"), "w", newline="\n") as f:
    f.write("".join(out))
