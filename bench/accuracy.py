#!/usr/bin/env python3
"""How close the checklist's entries come to what reviewers commented on.

Run through bench/accuracy (which finds seam and the corpus). For every
thread mbox: every reply (at any depth) under a patch that quotes added
lines of the patch (`> +...`) and then says something unquoted is an inline
comment on the last quoted added line, found again in the patch's
post-image (file:line). The patch author's own replies do not count.

Printed: how many commented Rust lines lie within N lines of a checklist
entry (any finding of the entry, its whole span), against the share of all
added Rust lines that lie that close to an entry: the hit rate a random set
of lines of the same size would get. Then the same per rule, with the
entries each rule heads (its volume) and the findings it gives.

Nothing from the mail is printed beyond file names and line numbers.
"""
import collections
import email
import email.policy
import json
import mailbox
import os
import re
import subprocess
import sys
import tempfile

NEAR = int(os.environ.get("NEAR", "3"))


def seam(seam_bin, db, *args):
    r = subprocess.run([seam_bin, "--db", db, *args], capture_output=True, text=True)
    if r.returncode != 0:
        return None
    return r.stdout


def norm_id(s):
    if not s:
        return None
    m = re.search(r"<([^>]+)>", s)
    return (m.group(1) if m else s.strip()).strip()


def body_text(msg):
    parts = []
    for part in msg.walk() if msg.is_multipart() else [msg]:
        if part.get_content_maintype() == "multipart":
            continue
        if part.get_content_type() not in ("text/plain", "text/x-patch", "text/x-diff"):
            continue
        try:
            payload = part.get_payload(decode=True) or b""
        except Exception:
            continue
        charset = part.get_content_charset() or "utf-8"
        try:
            parts.append(payload.decode(charset, errors="replace"))
        except LookupError:
            parts.append(payload.decode("utf-8", errors="replace"))
    return "\n".join(parts)


def address(msg):
    return email.utils.parseaddr(str(msg.get("From", "")))[1].lower()


def added_lines(body):
    """{(path, new_line): text} of the added lines of a patch's diff."""
    out = {}
    path = None
    new = 0
    in_hunk = False
    for line in body.split("\n"):
        if line.startswith("diff --git "):
            in_hunk = False
            path = None
            m = re.match(r"diff --git a/(\S+) b/(\S+)", line)
            if m:
                path = m.group(2)
            continue
        if line.startswith("+++ "):
            p = line[4:].strip()
            path = p[2:] if p.startswith("b/") else (None if p == "/dev/null" else p)
            continue
        m = re.match(r"@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@", line)
        if m:
            new = int(m.group(1))
            in_hunk = True
            continue
        if not in_hunk or path is None:
            continue
        if line.startswith("+"):
            out[(path, new)] = line[1:]
            new += 1
        elif line.startswith(" ") or line == "":
            new += 1
        elif line.startswith("-") or line.startswith("\\"):
            pass
        else:
            in_hunk = False  # the diff ended (signature, trailing text)
    return out


def squash(s):
    return " ".join(s.split())


QUOTE = re.compile(r"^((?:\s*>)+)\s?(.*)$")


def inline_comments(body):
    """[(quoted added line, last quoted path or None)]: each unquoted comment
    right after a quoted `+` line."""
    out = []
    path = None
    last_plus = None  # the last quoted `+` line, until other text comes
    for line in body.split("\n"):
        m = QUOTE.match(line)
        if m:
            q = m.group(2)
            pm = re.match(r"diff --git a/\S+ b/(\S+)", q) or re.match(r"\+\+\+ b/(\S+)", q)
            if pm:
                path = pm.group(1)
                last_plus = None
            elif q.startswith("+") and not q.startswith("+++"):
                last_plus = (q[1:], path)
            elif q.strip() == "":
                pass
            else:
                last_plus = None
            continue
        if line.strip() == "":
            continue
        if re.match(r"^On .*wrote:\s*$", line) or line.rstrip().endswith("wrote:"):
            last_plus = None
            continue
        if last_plus is not None and squash(last_plus[0]):
            out.append(last_plus)
        last_plus = None
    return out


def locate(quoted, qpath, added, after):
    """The (path, line) of the added line a quote is of; nearest after `after`."""
    want = squash(quoted)
    cands = [k for k, v in added.items() if squash(v) == want and (qpath is None or k[0] == qpath)]
    if not cands and qpath is not None:
        cands = [k for k, v in added.items() if squash(v) == want]
    if not cands:
        return None
    cands.sort()
    if after is not None:
        later = [k for k in cands if k[0] == after[0] and k[1] >= after[1]]
        if later:
            return later[0]
    return cands[0]


def main():
    seam_bin, threads = sys.argv[1], sys.argv[2]
    mboxes = sorted(os.path.join(threads, f) for f in os.listdir(threads) if f.endswith(".mbox"))
    work = tempfile.mkdtemp()
    db = os.path.join(work, "a.db")
    subprocess.run([seam_bin, "--db", db, "ingest", *mboxes], capture_output=True, check=True)

    # Every message: parent, author, body.
    msgs = {}
    for path in mboxes:
        for m in mailbox.mbox(path):
            mid = norm_id(m.get("Message-ID"))
            if not mid or mid in msgs:
                continue
            refs = re.findall(r"<([^>]+)>", str(m.get("References", "")))
            parent = norm_id(m.get("In-Reply-To")) or (refs[-1] if refs else None)
            msgs[mid] = {"parent": parent, "from": address(m), "body": body_text(m)}

    # Patches of every version of every series, with their checklist.
    patches = {}  # msgid -> {"author", "added", "findings", "entries"}
    series = json.loads(seam(seam_bin, db, "series", "--json") or "[]")
    for s in series:
        if s.get("pull"):
            continue
        for v in s["versions"]:
            out = seam(seam_bin, db, "checklist", s["id"], "--version", str(v["version"]), "--format", "json")
            if out is None:
                continue
            c = json.loads(out)
            for p in c["patches"]:
                mid = p["msgid"]
                if mid not in msgs:
                    continue
                patches[mid] = {
                    "author": msgs[mid]["from"],
                    "added": {k: t for k, t in added_lines(msgs[mid]["body"]).items() if k[0].endswith(".rs")},
                    "findings": p["findings"],
                    "entries": p["entries"],
                }

    def patch_above(mid):
        seen = set()
        p = msgs[mid]["parent"]
        while p and p not in seen:
            seen.add(p)
            if p in patches:
                return p
            p = msgs[p]["parent"] if p in msgs else None
        return None

    commented = collections.defaultdict(set)  # patch msgid -> {(path, line)}
    comments = 0
    for mid, m in msgs.items():
        if mid in patches:
            continue
        pm = patch_above(mid)
        if pm is None or m["from"] == patches[pm]["author"]:
            continue
        after = None
        for quoted, qpath in inline_comments(m["body"]):
            at = locate(quoted, qpath, patches[pm]["added"], after)
            if at is None:
                continue
            after = at
            comments += 1
            commented[pm].add(at)

    def near(spans, path, line):
        return any(p == path and a - NEAR <= line <= b + NEAR for p, a, b in spans)

    total_added = total_cov = total_comm = total_hit = 0
    entries_all = 0
    rules = collections.defaultdict(lambda: collections.Counter())
    for mid, p in patches.items():
        fs = p["findings"]
        spans = [(f["path"], f["line"], max(f["line"], f.get("end_line") or f["line"])) for f in fs]
        entry_spans = []
        for e in p["entries"]:
            entries_all += 1
            head = fs[e["findings"][0]]
            rules[head["rule"]]["entries"] += 1
            entry_spans += [spans[i] for i in e["findings"]]
        by_rule = collections.defaultdict(list)
        for f, sp in zip(fs, spans):
            by_rule[f["rule"]].append(sp)
            rules[f["rule"]]["findings"] += 1
        added = p["added"]
        total_added += len(added)
        for path, line in added:
            if near(entry_spans, path, line):
                total_cov += 1
            for r, sps in by_rule.items():
                if near(sps, path, line):
                    rules[r]["covered"] += 1
        for path, line in commented.get(mid, ()):
            total_comm += 1
            if near(entry_spans, path, line):
                total_hit += 1
            for r, sps in by_rule.items():
                if near(sps, path, line):
                    rules[r]["hits"] += 1

    def pct(a, b):
        return f"{100.0 * a / b:5.1f}%" if b else "    -"

    print(f"threads: {len(mboxes)}, patches with a checklist: {len(patches)}, entries: {entries_all}")
    print(f"inline comments on added Rust lines: {comments}, distinct commented lines: {total_comm}")
    print(f"added Rust lines: {total_added}")
    print()
    print(f"within {NEAR} lines of an entry      commented lines   all added lines (random baseline)   lift")
    lift = (total_hit / total_comm) / (total_cov / total_added) if total_comm and total_cov else 0
    print(f"  all entries                       {total_hit:4}/{total_comm:<4} {pct(total_hit, total_comm)}"
          f"   {total_cov:5}/{total_added:<5} {pct(total_cov, total_added)}                  {lift:4.2f}")
    print()
    print(f"{'rule':26} {'entries':>7} {'findings':>8} {'commented near':>15} {'added near':>11} {'lift':>5}")
    for r, c in sorted(rules.items(), key=lambda kv: -kv[1]["entries"]):
        hit_share = c["hits"] / total_comm if total_comm else 0
        cov_share = c["covered"] / total_added if total_added else 0
        rl = hit_share / cov_share if cov_share else 0
        print(f"{r:26} {c['entries']:7} {c['findings']:8} {c['hits']:6} {pct(c['hits'], total_comm):>8}"
              f" {pct(c['covered'], total_added):>11} {rl:5.2f}")


if __name__ == "__main__":
    main()
