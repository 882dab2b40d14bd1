#!/usr/bin/env python3
"""Make a larger public-inbox v2 epoch out of a real one, for memory and
speed at scale (bench/ingest on it): COPIES copies of every message, one
after another, each copy's Message-ID, In-Reply-To and References given a
prefix of its own ("<c1.x@y>"), so that every copy is new mail with the
same threads, series and reviews. Bodies are kept as they are.

    bench/replicate-epoch.py SRC_EPOCH DEST_EPOCH COPIES

SRC_EPOCH may lack refs/ (lore mirrors do): git reads it through a
temporary view with an empty one. DEST_EPOCH must not exist; it is made
with `git init --bare` and filled with `git fast-import`.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ID_HEADERS = re.compile(rb"^(message-id|in-reply-to|references)\s*:", re.I)
ANGLE = re.compile(rb"<([^<>\s]+)>")


def rename_ids(raw: bytes, prefix: bytes) -> bytes:
    """The message with the ids in its threading headers prefixed."""
    end = raw.find(b"\n\n")
    head, body = (raw, b"") if end < 0 else (raw[: end + 1], raw[end + 1 :])
    out, in_id_header = [], False
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t"):
            pass  # a folded line continues the header before it
        else:
            in_id_header = bool(ID_HEADERS.match(line))
        if in_id_header:
            line = ANGLE.sub(lambda m: b"<" + prefix + m.group(1) + b">", line)
        out.append(line)
    return b"\n".join(out) + body


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    src, dest, copies = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if os.path.exists(dest):
        print(f"replicate-epoch: {dest} exists", file=sys.stderr)
        return 2
    view = tempfile.mkdtemp()
    try:
        os.makedirs(os.path.join(view, "refs"))
        os.symlink(os.path.abspath(os.path.join(src, "objects")), os.path.join(view, "objects"))
        for f in ("HEAD", "packed-refs"):
            if os.path.exists(os.path.join(src, f)):
                shutil.copy(os.path.join(src, f), view)
        git = ["git", "--git-dir", view]
        commits = subprocess.run(git + ["rev-list", "--first-parent", "--reverse", "HEAD"], check=True,
                                 capture_output=True).stdout.split()
        subprocess.run(["git", "init", "-q", "--bare", dest], check=True)
        fi = subprocess.Popen(["git", "--git-dir", dest, "fast-import", "--quiet"], stdin=subprocess.PIPE)
        cat = subprocess.Popen(git + ["cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        mark = 0
        for copy in range(copies):
            prefix = b"" if copy == 0 else b"c%d." % copy
            for c in commits:
                cat.stdin.write(c + b":m\n")
                cat.stdin.flush()
                header = cat.stdout.readline().split()
                if header[-1] == b"missing":
                    continue  # a deletion commit ("d"): nothing to copy
                size = int(header[2])
                raw = cat.stdout.read(size)
                cat.stdout.read(1)
                data = rename_ids(raw, prefix) if prefix else raw
                mark += 1
                fi.stdin.write(b"commit refs/heads/master\nmark :%d\n" % mark)
                fi.stdin.write(b"committer seam bench <bench@example.org> %d +0000\n" % (1500000000 + mark))
                fi.stdin.write(b"data 0\n")
                fi.stdin.write(b"M 100644 inline m\ndata %d\n" % len(data) + data + b"\n")
        cat.stdin.close()
        cat.wait()
        fi.stdin.close()
        if fi.wait() != 0:
            return 1
        print(f"{dest}: {mark} messages ({len(commits)} commits of {src}, {copies} copies)")
        return 0
    finally:
        shutil.rmtree(view)


if __name__ == "__main__":
    sys.exit(main())
