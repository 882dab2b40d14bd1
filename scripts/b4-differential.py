#!/usr/bin/env python3
"""Differential test: seam's series assembly vs b4 am (offline, local mbox).

Each scenario builds a thread mbox of invented people (example.org), runs
`b4 --offline-mode -n am -t -m MBOX -o DIR MSGID` and seam (ingest, show --json,
am --version N), and compares: revision, cover letter, patches (titles in
order) and the trailers added to each patch (in order).
"""
import email.utils
import glob
import json
import os
import re
import shutil
import subprocess
import sys

SEAM = os.environ.get('SEAM', os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'build', 'cli', 'seam'))
OUT = os.environ.get('B4DIFF_OUT', os.path.join(os.environ.get('TMPDIR', '/tmp'), 'b4-differential'))

ADA = ('Ada Example', 'ada@example.org')
BOB = ('Bob Reviewer', 'bob@example.org')
CAY = ('Cay Tester', 'cay@example.org')
DAN = ('Dan Maint', 'dan@example.org')

T0 = 1700000000


class M:
    def __init__(self, mid, frm, subject, body, irt=None, t=0, refs=None):
        self.mid, self.frm, self.subject, self.body, self.irt, self.t = mid, frm, subject, body, irt, t
        self.refs = refs


def diff(tag):
    # unique diff per tag (patch id differs between tags)
    return (f"---\n {tag}.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n"
            f"diff --git a/{tag}.c b/{tag}.c\nindex 1111111..2222222 100644\n--- a/{tag}.c\n+++ b/{tag}.c\n"
            f"@@ -1,3 +1,3 @@\n a\n-old {tag}\n+new {tag}\n z\n-- \n2.40.0\n")


def patch_body(tag, who=ADA, extra_trailers=()):
    tr = ''.join(f"{t}\n" for t in extra_trailers)
    return f"Change {tag} so it works.\n\n{tr}Signed-off-by: {who[0]} <{who[1]}>\n" + diff(tag)


def cover_body(n=2):
    return ("This series does things.\n\n" + "".join(f"Ada Example (1):\n  part {i}\n" for i in range(1, n + 1)) +
            f"\n x.c | {n} +-\n {n} files changed, {n} insertions(+), {n} deletions(-)\n\n-- \n2.40.0\n")


def reply_body(lines, quote=True):
    q = "> Some quoted text of the patch.\n>\n" if quote else ""
    return "On Mon, Ada wrote:\n" + q + "\nLooks good to me.\n\n" + "".join(l + "\n" for l in lines)


def write_mbox(path, msgs):
    by = {m.mid: m for m in msgs}
    with open(path, 'w') as f:
        for m in msgs:
            refs = m.refs
            if refs is None:
                refs = []
                p = m.irt
                seen = set()
                while p and p in by and p not in seen:
                    seen.add(p)
                    refs.insert(0, p)
                    p = by[p].irt
                if m.irt and m.irt not in by:
                    refs = [m.irt]
            f.write("From mboxrd@z Thu Jan  1 00:00:00 1970\n")
            name = f'"{m.frm[0]}"' if ',' in m.frm[0] else m.frm[0]
            f.write(f"From: {name} <{m.frm[1]}>\n")
            f.write(f"Date: {email.utils.formatdate(T0 + m.t * 60)}\n")
            f.write(f"Subject: {m.subject}\n")
            f.write(f"Message-ID: <{m.mid}>\n")
            if m.irt:
                f.write(f"In-Reply-To: <{m.irt}>\n")
            if refs:
                f.write("References: " + " ".join(f"<{r}>" for r in refs) + "\n")
            f.write("MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n")
            body = m.body
            body = re.sub(r'^(>*From )', r'>\1', body, flags=re.M)
            f.write(body)
            if not body.endswith('\n'):
                f.write('\n')
            f.write('\n')


# ---------------------------------------------------------------- parsing
def split_mbox(text):
    out, cur = [], None
    for line in text.split('\n'):
        if line.startswith('From ') and (cur is None or cur == [] or cur[-1] == ''):
            if cur is not None:
                out.append('\n'.join(cur))
            cur = []
            continue
        if cur is not None:
            cur.append(line)
    if cur:
        out.append('\n'.join(cur))
    return out


def parse_msg(raw):
    head, _, body = raw.partition('\n\n')
    headers = {}
    last = None
    for line in head.split('\n'):
        if line[:1] in (' ', '\t') and last:
            headers[last] += ' ' + line.strip()
            continue
        k, _, v = line.partition(':')
        last = k.lower()
        headers[last] = v.strip()
    # commit message: up to first ---
    msg = re.split(r'^---\s*$', body, maxsplit=1, flags=re.M)[0]
    lines = msg.rstrip('\n').split('\n')
    block = []
    for l in reversed(lines):
        if not l.strip():
            break
        block.insert(0, l)
    trailers = [l for l in block if re.match(r'^[\w-]+: ', l)]
    return headers, trailers


def title_of(subject):
    s = re.sub(r'^\s*(\[[^\]]*\]\s*)+', '', subject)
    return s.strip()


def b4_run(mbox, msgid, d):
    os.makedirs(d, exist_ok=True)
    env = dict(os.environ, HOME=os.path.join(OUT, 'home'))
    r = subprocess.run(['b4', '--offline-mode', '-n', 'am', '-t', '-m', mbox, '-o', d, msgid],
                       capture_output=True, text=True, env=env, timeout=120)
    mbx = glob.glob(os.path.join(d, '*.mbx'))
    res = {'log': r.stderr + r.stdout}
    if not mbx:
        res['patches'] = None
        return res
    name = os.path.basename(mbx[0])
    m = re.match(r'v(\d+)_', name)
    res['version'] = int(m.group(1)) if m else 1
    pats = []
    for raw in split_mbox(open(mbx[0]).read()):
        h, tr = parse_msg(raw)
        pats.append({'title': title_of(h.get('subject', '')), 'trailers': tr})
    res['patches'] = pats
    cov = glob.glob(os.path.join(d, '*.cover'))
    res['cover'] = None
    if cov:
        h, _ = parse_msg(open(cov[0]).read())
        res['cover'] = h.get('message-id', '').strip('<>')
    return res


def seam_run(mbox, msgid, d, version):
    db = os.path.join(d, 'db')
    if os.path.exists(db):
        os.remove(db)
    subprocess.run([SEAM, '--db', db, 'ingest', mbox], capture_output=True, check=True)
    r = subprocess.run([SEAM, '--db', db, 'show', msgid, '--json'], capture_output=True, text=True)
    res = {'log': r.stderr}
    if r.returncode != 0:
        res['patches'] = None
        return res
    js = json.loads(r.stdout)
    res['versions'] = [v['version'] for v in js['versions']]
    want = version if version is not None else js['versions'][-1]['version']
    ver = [v for v in js['versions'] if v['version'] == want]
    if not ver:
        res['patches'] = None
        res['log'] += f'no version {want} in {res["versions"]}'
        return res
    ver = ver[-1]
    res['version'] = want
    res['cover'] = ver['cover']
    out = os.path.join(d, 'seam.mbox')
    r = subprocess.run([SEAM, '--db', db, 'am', js['id'], '--version', str(want), '-o', out],
                       capture_output=True, text=True)
    res['log'] += r.stderr
    pats = []
    if os.path.exists(out):
        for raw in split_mbox(open(out).read()):
            h, tr = parse_msg(raw)
            pats.append({'title': title_of(h.get('subject', '')), 'trailers': tr})
    res['patches'] = pats
    res['nversions'] = len(js['versions'])
    return res


def compare(name, msgs, msgid, mbox=None):
    d = os.path.join(OUT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    if mbox is None:
        mbox = os.path.join(d, 'thread.mbox')
        write_mbox(mbox, msgs)
    b = b4_run(mbox, msgid, os.path.join(d, 'b4'))
    s = seam_run(mbox, msgid, d, b.get('version'))
    diffs = []
    if b['patches'] is None:
        diffs.append('b4 produced nothing: ' + b['log'].strip().replace('\n', ' | ')[-200:])
    elif s['patches'] is None:
        diffs.append('seam produced nothing: ' + s['log'].strip())
    else:
        if b.get('cover') != s.get('cover'):
            diffs.append(f"cover b4={b.get('cover')} seam={s.get('cover')}")
        bt = [p['title'] for p in b['patches']]
        st = [p['title'] for p in s['patches']]
        if bt != st:
            diffs.append(f"patches b4={bt} seam={st}")
        else:
            for i, (bp, sp) in enumerate(zip(b['patches'], s['patches'])):
                if bp['trailers'] != sp['trailers']:
                    diffs.append(f"trailers of {i+1}: b4={bp['trailers']} seam={sp['trailers']}")
    status = 'same' if not diffs else 'DIFFERENT'
    print(f"{name}: {status} (b4 v{b.get('version')}, seam v{s.get('version')} of {s.get('versions')})")
    for x in diffs:
        print('    ' + x)
    with open(os.path.join(d, 'result.json'), 'w') as f:
        json.dump({'b4': b, 'seam': s}, f, indent=1)
    return not diffs


# ---------------------------------------------------------------- scenarios
def series(prefix, n, ver=1, cover=True, who=ADA, tag='s', t=0, irt=None, pfx0=None, counter_fmt=None,
           cover_irt=None):
    """prefix: format with {c} for the counter text, e.g. '[PATCH v2 {c}]'."""
    msgs = []
    cid = f"{tag}-v{ver}-0@example.org"
    if cover:
        c = (counter_fmt or '{i}/{n}').format(i='0' * len(str(n)) if counter_fmt is None else 0, n=n)
        subj = (pfx0 or prefix).format(c=c) + f" {tag} series title"
        msgs.append(M(cid, who, subj, cover_body(n), irt=cover_irt, t=t))
    for i in range(1, n + 1):
        c = (counter_fmt or '{i}/{n}').format(i=str(i).zfill(len(str(n))) if counter_fmt is None else i, n=n)
        subj = prefix.format(c=c) + f" {tag}: part {i}"
        msgs.append(M(f"{tag}-v{ver}-{i}@example.org", who, subj, patch_body(f"{tag}{i}v{ver}", who),
                      irt=(cid if cover else (f"{tag}-v{ver}-1@example.org" if i > 1 else irt)), t=t + i))
    return msgs


def rep(mid, parent, who, lines, t, subject='Re: whatever', quote=True):
    return M(mid, who, subject, reply_body(lines, quote), irt=parent, t=t)


SCEN = {}


def scen(f):
    SCEN[f.__name__] = f
    return f


def simple_prefix(name, pfx, cover=True, n=3, counter_fmt=None, pfx0=None):
    def f():
        m = series(pfx, n, cover=cover, counter_fmt=counter_fmt, pfx0=pfx0)
        m.append(rep('r1@example.org', m[-1].mid, BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 50))
        return m, m[0].mid
    f.__name__ = name
    SCEN[name] = f


simple_prefix('p_glued', '[PATCH{c}]')
simple_prefix('p_plain', '[PATCH {c}]')
simple_prefix('p_v2', '[PATCH v2 {c}]')
simple_prefix('p_v2_glued', '[PATCHv2 {c}]')
simple_prefix('p_V2', '[PATCH V2 {c}]')
simple_prefix('p_v2_10', '[PATCH v2 {c}]', n=10)
simple_prefix('p_rfc_v3', '[RFC PATCH v3 {c}]', n=5)
simple_prefix('p_net_next', '[PATCH net-next v4 {c}]', n=7)
simple_prefix('p_counter_then_v', '[PATCH {c} v2]')
simple_prefix('p_v2_resend', '[PATCH v2 RESEND {c}]')
simple_prefix('p_resend_patch', '[RESEND PATCH v2 {c}]')
simple_prefix('p_next', '[PATCH -next {c}]')
simple_prefix('p_lower', '[patch v2 {c}]')
simple_prefix('p_spaces', '[PATCH  v2   {c} ]')
simple_prefix('p_rfc_after', '[PATCH RFC v2 {c}]')
simple_prefix('p_nocover', '[PATCH v2 {c}]', cover=False)
simple_prefix('p_nopad_10', '[PATCH {c}]', n=10, counter_fmt='{i}/{n}')
simple_prefix('p_rfc_bracket2', '[RFC][PATCH v2 {c}]')
simple_prefix('p_v_separate_bracket', '[PATCH {c}] [v2]')
simple_prefix('p_dash_v', '[PATCH-v2 {c}]')


@scen
def single_patch():
    m = [M('one@example.org', ADA, '[PATCH] drv: fix a [thing] in text', patch_body('one'))]
    m.append(rep('r1@example.org', 'one@example.org', BOB, ['Acked-by: Bob Reviewer <bob@example.org>'], 5))
    return m, 'one@example.org'


@scen
def single_patch_v2():
    m = [M('one@example.org', ADA, '[PATCH v2] drv: fix it', patch_body('one'))]
    m.append(rep('r1@example.org', 'one@example.org', BOB, ['Acked-by: Bob Reviewer <bob@example.org>'], 5))
    return m, 'one@example.org'


@scen
def resend_single():
    m = [M('one@example.org', ADA, '[RESEND PATCH] drv: fix it', patch_body('one'))]
    m.append(rep('r1@example.org', 'one@example.org', BOB, ['Acked-by: Bob Reviewer <bob@example.org>'], 5))
    return m, 'one@example.org'


@scen
def version_only_in_cover():
    m = series('[PATCH {c}]', 2, ver=2, pfx0='[PATCH v2 {c}]')
    return m, m[0].mid


@scen
def version_only_in_some_patches():
    m = series('[PATCH v2 {c}]', 3, ver=2)
    m[2].subject = m[2].subject.replace('[PATCH v2 2/3]', '[PATCH 2/3]')
    return m, m[0].mid


@scen
def version_only_in_some_nocover():
    m = series('[PATCH v2 {c}]', 3, ver=2, cover=False)
    m[1].subject = m[1].subject.replace('[PATCH v2 2/3]', '[PATCH 2/3]')
    m[2].subject = m[2].subject.replace('[PATCH v2 3/3]', '[PATCH 3/3]')
    return m, m[0].mid


@scen
def cover_no_counter():
    m = series('[PATCH v2 {c}]', 2, ver=2, pfx0='[PATCH v2]')
    m[0].subject = '[PATCH v2] s series title'
    return m, m[0].mid


@scen
def patch_4_of_3():
    m = series('[PATCH {c}]', 3)
    m.append(M('s-v1-4@example.org', ADA, '[PATCH 4/3] s: part 4', patch_body('s4'), irt=m[0].mid, t=10))
    return m, m[0].mid


@scen
def missing_patch():
    m = series('[PATCH v2 {c}]', 3, ver=2)
    del m[2]
    return m, m[0].mid


@scen
def partial_reroll():
    m = series('[PATCH {c}]', 3)
    m.append(M('s-v2-2@example.org', ADA, '[PATCH v2 2/3] s: part 2', patch_body('s2v2'), irt='s-v1-2@example.org',
               t=30))
    m.append(rep('r1@example.org', 's-v1-1@example.org', BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 20))
    return m, 's-v2-2@example.org'


@scen
def followup_fix_patch():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r1@example.org', 's-v1-2@example.org', BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 20,
                 subject='Re: [PATCH 2/2] s: part 2'))
    m.append(M('fix@example.org', ADA, '[PATCH] s: fix part 2 on top', patch_body('fix'), irt='r1@example.org',
               t=30))
    return m, m[0].mid


@scen
def v2_in_reply_to_v1_cover():
    m = series('[PATCH {c}]', 2)
    m += series('[PATCH v2 {c}]', 2, ver=2, t=100, cover_irt='s-v1-0@example.org')
    m.append(rep('r1@example.org', 's-v1-1@example.org', BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 20))
    m.append(rep('r2@example.org', 's-v2-0@example.org', CAY, ['Tested-by: Cay Tester <cay@example.org>'], 200))
    return m, 's-v1-0@example.org'


@scen
def cover_trailers():
    m = series('[PATCH {c}]', 3)
    m.append(rep('r1@example.org', m[0].mid, BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 20))
    m.append(rep('r2@example.org', m[2].mid, CAY, ['Tested-by: Cay Tester <cay@example.org>'], 21))
    m.append(rep('r3@example.org', m[2].mid, DAN, ['Acked-by: Dan Maint <dan@example.org>'], 22))
    return m, m[0].mid


@scen
def quoted_trailer():
    m = series('[PATCH {c}]', 2)
    m.append(M('r1@example.org', BOB, 'Re: [PATCH 1/2] s: part 1',
               "On Mon, Ada wrote:\n> Reviewed-by: Cay Tester <cay@example.org>\n> more\n\nok\n", irt=m[1].mid,
               t=20))
    return m, m[0].mid


@scen
def trailer_reply_to_reply():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r1@example.org', m[1].mid, BOB, ['Question?'], 20))
    m.append(rep('r2@example.org', 'r1@example.org', ADA, ['Answer.'], 21))
    m.append(rep('r3@example.org', 'r2@example.org', BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 22))
    m.append(rep('r4@example.org', 'r1@example.org', CAY, ['Tested-by: Cay Tester <cay@example.org>'], 23))
    return m, m[0].mid


@scen
def trailer_reply_to_reply_of_cover():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r1@example.org', m[0].mid, BOB, ['Question?'], 20))
    m.append(rep('r3@example.org', 'r1@example.org', CAY, ['Tested-by: Cay Tester <cay@example.org>'], 22))
    return m, m[0].mid


@scen
def reviewed_other_name_form():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r1@example.org', m[1].mid, ('Reviewer, Bob', 'bob@example.org'),
                 ['Reviewed-by: Bob Reviewer <bob@example.org>'], 20))
    m.append(rep('r2@example.org', m[2].mid, ('Bob Reviewer', 'bob.r@example.org'),
                 ['Reviewed-by: Bob Reviewer <bob@example.org>'], 21))
    m.append(rep('r3@example.org', m[2].mid, ('Cay', 'cay@example.org'),
                 ['Tested-by: "Cay Tester" <cay@example.org>'], 22))
    m.append(rep('r4@example.org', m[1].mid, ('Dan Maint', 'dan@sub.example.org'),
                 ['Acked-by: Dan Maint <dan@example.org>'], 23))
    m.append(rep('r5@example.org', m[1].mid, ('Someone Else', 'else@example.org'),
                 ['Acked-by: Dan Maint <dan@example.org>'], 24))
    return m, m[0].mid


@scen
def fixes_link_in_reply():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r1@example.org', m[1].mid, BOB,
                 ['Fixes: 0123456789ab ("old: thing")', 'Link: https://example.org/x',
                  'Reviewed-by: Bob Reviewer <bob@example.org>'], 20))
    m.append(rep('r2@example.org', m[2].mid, BOB,
                 ['Reported-by: Cay Tester <cay@example.org>', 'Suggested-by: Bob Reviewer <bob@example.org>',
                  'Closes: https://example.org/bug'], 21))
    return m, m[0].mid


@scen
def trailers_after_signature():
    m = series('[PATCH {c}]', 2)
    m.append(M('r1@example.org', BOB, 'Re: [PATCH 1/2] s: part 1',
               "Fine.\n\n-- \nBob\nReviewed-by: Bob Reviewer <bob@example.org>\n", irt=m[1].mid, t=20))
    m.append(M('r2@example.org', CAY, 'Re: [PATCH 2/2] s: part 2',
               "Fine.\n\nTested-by: Cay Tester <cay@example.org>\n-- \nCay\n", irt=m[2].mid, t=21))
    return m, m[0].mid


@scen
def reply_subject_drops_prefix():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r1@example.org', m[1].mid, BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 20,
                 subject='Re: s: part 1'))
    m.append(rep('r2@example.org', m[2].mid, BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 21,
                 subject='s: part 2'))
    return m, m[0].mid


@scen
def reply_no_re_with_tag():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r1@example.org', m[1].mid, BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 20,
                 subject='[PATCH 1/2] s: part 1'))
    return m, m[0].mid


@scen
def two_versions_separate_threads():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r1@example.org', 's-v1-1@example.org', BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 20))
    m += series('[PATCH v2 {c}]', 2, ver=2, t=100)
    return m, 's-v2-0@example.org'


@scen
def carry_same_patch():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r1@example.org', 's-v1-1@example.org', BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 20))
    v2 = series('[PATCH v2 {c}]', 2, ver=2, t=100, cover_irt='s-v1-0@example.org')
    v2[1].body = patch_body('s1v1')
    m += v2
    return m, 's-v2-0@example.org'


@scen
def v2_patches_glued_in_v1_thread():
    m = series('[PATCH{c}]', 2)
    m += series('[PATCHv2 {c}]', 2, ver=2, t=100, cover_irt='s-v1-0@example.org')
    return m, 's-v1-0@example.org'


@scen
def nocover_counters_inferred_v2():
    # v1 and v2 of a lone patch, v2 unversioned, same thread
    m = [M('a1@example.org', ADA, '[PATCH] drv: fix it', patch_body('a1'))]
    m.append(rep('r1@example.org', 'a1@example.org', BOB, ['Nope'], 5))
    m.append(M('a2@example.org', ADA, '[PATCH] drv: fix it', patch_body('a2'), irt='r1@example.org', t=10))
    return m, 'a1@example.org'


@scen
def reply_no_diff_with_patch_subject():
    m = series('[PATCH {c}]', 2)
    m.append(M('r1@example.org', BOB, '[PATCH 2/2] s: part 2',
               "Looks fine.\n\nAcked-by: Bob Reviewer <bob@example.org>\n", irt=m[2].mid, t=20))
    return m, m[0].mid


@scen
def cover_without_diffstat_no_counter():
    m = series('[PATCH {c}]', 2)
    m[0].subject = '[PATCH] s series title'
    m[0].body = 'Just some words.\n'
    return m, m[0].mid


@scen
def trailer_own_and_reply_dup():
    m = series('[PATCH {c}]', 2)
    m[1].body = patch_body('s1v1', extra_trailers=['Reviewed-by: Bob Reviewer <bob@example.org>'])
    m.append(rep('r1@example.org', m[1].mid, BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>',
                                                  'Tested-by: Bob Reviewer <bob@example.org>'], 20))
    m.append(rep('r2@example.org', m[0].mid, BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 21))
    return m, m[0].mid


@scen
def trailer_order_by_arrival():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r2@example.org', m[1].mid, CAY, ['Tested-by: Cay Tester <cay@example.org>'], 30))
    m.append(rep('r1@example.org', m[1].mid, BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 20))
    return m, m[0].mid


@scen
def uppercase_trailer_name():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r1@example.org', m[1].mid, BOB, ['reviewed-by: Bob Reviewer <bob@example.org>'], 20))
    m.append(rep('r2@example.org', m[2].mid, BOB, ['ACKED-BY: Bob Reviewer <bob@example.org>'], 21))
    return m, m[0].mid


simple_prefix('p_counter_then_v_pad', '[PATCH {c} v2]', n=10)
simple_prefix('p_comma', '[PATCH v2, {c}]')
simple_prefix('p_inner_spaces', '[ PATCH v2 {c} ]')
simple_prefix('p_rfc_only', '[RFC v2 {c}]')
simple_prefix('p_no_patch_word', '[v2 {c}]')
simple_prefix('p_list_tag', '[linux-next] [PATCH v2 {c}]')
simple_prefix('p_glued_V', '[PATCHV2 {c}]')
simple_prefix('p_next_v3', '[PATCH -next v3 {c}]')
simple_prefix('p_bpf_next', '[PATCH bpf-next v2 {c}]')
simple_prefix('p_resend_only', '[RESEND PATCH {c}]')
simple_prefix('p_rfc_resend', '[RFC RESEND PATCH v2 {c}]')


@scen
def version_in_patches_not_cover():
    m = series('[PATCH v2 {c}]', 2, ver=2, pfx0='[PATCH {c}]')
    return m, m[0].mid


@scen
def version_in_patches_not_cover_v1_thread():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r1@example.org', 's-v1-1@example.org', BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 20))
    m += series('[PATCH v2 {c}]', 2, ver=2, t=100, pfx0='[PATCH {c}]', cover_irt='s-v1-0@example.org')
    m.append(rep('r2@example.org', 's-v2-0@example.org', CAY, ['Tested-by: Cay Tester <cay@example.org>'], 120))
    return m, 's-v1-0@example.org'


@scen
def version_only_in_first_patch_nocover():
    m = series('[PATCH {c}]', 3, ver=2, cover=False)
    m[0].subject = m[0].subject.replace('[PATCH 1/3]', '[PATCH v2 1/3]')
    return m, m[0].mid


@scen
def version_only_in_cover_with_v1():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r1@example.org', 's-v1-1@example.org', BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 20))
    v2 = series('[PATCH {c}]', 2, ver=2, t=100, pfx0='[PATCH v2 {c}]', cover_irt='s-v1-0@example.org')
    m += v2
    return m, 's-v1-0@example.org'


@scen
def version_typo_in_one_patch():
    m = series('[PATCH v3 {c}]', 3, ver=3)
    m[2].subject = m[2].subject.replace('v3', 'v2')
    return m, m[0].mid


@scen
def lone_resend_in_thread():
    m = [M('a1@example.org', ADA, '[PATCH] drv: fix it', patch_body('a1'))]
    m.append(M('a2@example.org', ADA, '[RESEND PATCH] drv: fix it', patch_body('a2'), irt='a1@example.org', t=10))
    return m, 'a1@example.org'


@scen
def lone_again_direct_reply():
    m = [M('a1@example.org', ADA, '[PATCH] drv: fix it', patch_body('a1'))]
    m.append(rep('r1@example.org', 'a1@example.org', BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 5))
    m.append(M('a2@example.org', ADA, '[PATCH] drv: fix it', patch_body('a2'), irt='a1@example.org', t=10))
    m.append(rep('r2@example.org', 'a2@example.org', CAY, ['Tested-by: Cay Tester <cay@example.org>'], 15))
    return m, 'a1@example.org'  # b4 numbers a2 v2 when it reads a1 first


@scen
def lone_three_times():
    m = [M('a1@example.org', ADA, '[PATCH] drv: fix it', patch_body('a1'))]
    m.append(M('a2@example.org', ADA, '[PATCH] drv: fix it', patch_body('a2'), irt='a1@example.org', t=10))
    m.append(M('a3@example.org', ADA, '[PATCH] drv: fix it', patch_body('a3'), irt='a2@example.org', t=20))
    return m, 'a1@example.org'


@scen
def lone_again_other_title():
    m = [M('a1@example.org', ADA, '[PATCH] drv: fix it', patch_body('a1'))]
    m.append(rep('r1@example.org', 'a1@example.org', BOB, ['Same in rust'], 5))
    m.append(M('a2@example.org', ADA, '[PATCH] rust: fix it too', patch_body('a2'), irt='r1@example.org', t=10))
    return m, 'a1@example.org'


@scen
def lone_again_other_author():
    m = [M('a1@example.org', ADA, '[PATCH] drv: fix it', patch_body('a1'))]
    m.append(M('a2@example.org', BOB, '[PATCH] drv: fix it', patch_body('a2'), irt='a1@example.org', t=10))
    return m, 'a1@example.org'


@scen
def lone_v2_in_reply():
    m = [M('a1@example.org', ADA, '[PATCH] drv: fix it', patch_body('a1'))]
    m.append(rep('r1@example.org', 'a1@example.org', BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 5))
    m.append(M('a2@example.org', ADA, '[PATCH v2] drv: fix it', patch_body('a2'), irt='a1@example.org', t=10))
    return m, 'a1@example.org'


@scen
def lone_v2_same_diff_in_reply():
    m = [M('a1@example.org', ADA, '[PATCH] drv: fix it', patch_body('a1'))]
    m.append(rep('r1@example.org', 'a1@example.org', BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 5))
    m.append(M('a2@example.org', ADA, '[PATCH v2] drv: fix it', patch_body('a1'), irt='a1@example.org', t=10))
    return m, 'a1@example.org'


@scen
def series_then_lone_again_numbered():
    # a series v1 then the author resends 1/2 numbered, unversioned, in reply to 1/2
    m = series('[PATCH {c}]', 2)
    m.append(M('s-x-1@example.org', ADA, '[PATCH 1/2] s: part 1', patch_body('s1new'), irt='s-v1-1@example.org', t=10))
    return m, m[0].mid


@scen
def partial_reroll_two():
    m = series('[PATCH {c}]', 3)
    m.append(M('s-v2-2@example.org', ADA, '[PATCH v2 2/3] s: part 2', patch_body('s2v2'), irt='s-v1-2@example.org', t=30))
    m.append(M('s-v2-3@example.org', ADA, '[PATCH v2 3/3] s: part 3', patch_body('s3v2'), irt='s-v1-3@example.org', t=31))
    m.append(rep('r1@example.org', 's-v1-0@example.org', BOB, ['Acked-by: Bob Reviewer <bob@example.org>'], 20))
    return m, 's-v2-2@example.org'


@scen
def partial_reroll_no_version():
    m = series('[PATCH {c}]', 3)
    m.append(M('s-v2-2@example.org', ADA, '[PATCH 2/3] s: part 2', patch_body('s2v2'), irt='s-v1-2@example.org', t=30))
    return m, 's-v1-0@example.org'


@scen
def partial_reroll_counter_then_v():
    m = series('[PATCH {c}]', 3)
    m.append(M('s-v2-3@example.org', ADA, '[PATCH 3/3 v2] s: part 3', patch_body('s3v2'), irt='s-v1-3@example.org', t=30))
    return m, 's-v1-0@example.org'


@scen
def partial_reroll_to_review():
    m = series('[PATCH {c}]', 3)
    m.append(rep('r1@example.org', 's-v1-2@example.org', BOB, ['Please fix'], 20, subject='Re: [PATCH 2/3] s: part 2'))
    m.append(M('s-v2-2@example.org', ADA, '[PATCH v2 2/3] s: part 2', patch_body('s2v2'), irt='r1@example.org', t=30))
    return m, 's-v2-2@example.org'


@scen
def partial_reroll_to_cover():
    m = series('[PATCH {c}]', 3)
    m.append(M('s-v2-2@example.org', ADA, '[PATCH v2 2/3] s: part 2', patch_body('s2v2'), irt='s-v1-0@example.org', t=30))
    return m, 's-v2-2@example.org'


@scen
def partial_reroll_nocover_v1():
    m = series('[PATCH {c}]', 3, cover=False)
    m.append(M('s-v2-2@example.org', ADA, '[PATCH v2 2/3] s: part 2', patch_body('s2v2'), irt='s-v1-2@example.org', t=30))
    m.append(rep('r1@example.org', 's-v1-3@example.org', BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 20))
    return m, 's-v2-2@example.org'


@scen
def partial_reroll_with_cover():
    m = series('[PATCH {c}]', 3)
    m.append(M('s-v2-0@example.org', ADA, '[PATCH v2 0/3] s series title', cover_body(3), irt='s-v1-0@example.org', t=29))
    m.append(M('s-v2-2@example.org', ADA, '[PATCH v2 2/3] s: part 2', patch_body('s2v2'), irt='s-v1-2@example.org', t=30))
    return m, 's-v2-2@example.org'


@scen
def v2_all_one_by_one_to_v1():
    m = series('[PATCH {c}]', 2)
    m.append(M('s-v2-1@example.org', ADA, '[PATCH v2 1/2] s: part 1', patch_body('s1v2'), irt='s-v1-1@example.org', t=30))
    m.append(M('s-v2-2@example.org', ADA, '[PATCH v2 2/2] s: part 2', patch_body('s2v2'), irt='s-v1-2@example.org', t=31))
    return m, 's-v2-2@example.org'


@scen
def additional_numbered_in_thread():
    m = series('[PATCH v2 {c}]', 2, ver=2)
    m.append(M('s-v2-3@example.org', ADA, '[PATCH v2 3/2] s: part 3', patch_body('s3v2'), irt='s-v2-0@example.org', t=30))
    return m, m[0].mid


@scen
def lone_patch_to_cover():
    m = series('[PATCH {c}]', 2)
    m.append(M('x@example.org', ADA, '[PATCH] s: fix on top', patch_body('fx'), irt='s-v1-0@example.org', t=30))
    return m, m[0].mid


@scen
def lone_patch_other_author_in_thread():
    m = series('[PATCH {c}]', 2)
    m.append(M('x@example.org', BOB, '[PATCH] s: my alternative', patch_body('fx'), irt='s-v1-2@example.org', t=30))
    m.append(rep('r1@example.org', 's-v1-2@example.org', CAY, ['Tested-by: Cay Tester <cay@example.org>'], 31))
    return m, m[0].mid


@scen
def trailer_bare_address():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r1@example.org', m[1].mid, BOB, ['Reviewed-by: bob@example.org'], 20))
    m.append(rep('r2@example.org', m[2].mid, BOB, ['Reviewed-by: <bob@example.org>'], 21))
    return m, m[0].mid


@scen
def trailer_extinfo():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r1@example.org', m[1].mid, BOB, ['Reviewed-by: Bob Reviewer <bob@example.org> # for the drv part'], 20))
    m.append(rep('r2@example.org', m[2].mid, BOB, ['Acked-by: Bob Reviewer <bob@example.org>', '[for the foo bits]'], 21))
    return m, m[0].mid


@scen
def trailer_cc_stable():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r1@example.org', m[1].mid, BOB, ['Cc: stable@vger.kernel.org', 'Reviewed-by: Bob Reviewer <bob@example.org>'], 20))
    return m, m[0].mid


@scen
def trailer_sob_from_reviewer():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r1@example.org', m[1].mid, BOB, ['Signed-off-by: Bob Reviewer <bob@example.org>'], 20))
    m.append(rep('r2@example.org', m[2].mid, ADA, ['Signed-off-by: Ada Example <ada@example.org>'], 21))
    return m, m[0].mid


@scen
def trailer_duplicate_two_replies():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r1@example.org', m[1].mid, BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 20))
    m.append(rep('r2@example.org', m[1].mid, BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 21))
    m.append(rep('r3@example.org', m[0].mid, BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 22))
    return m, m[0].mid


@scen
def trailer_indented_and_midtext():
    m = series('[PATCH {c}]', 2)
    m.append(M('r1@example.org', BOB, 'Re: [PATCH 1/2] s: part 1',
               "> quoted\n\n  Reviewed-by: Bob Reviewer <bob@example.org>\n\nBut also fix this later.\n", irt=m[1].mid, t=20))
    return m, m[0].mid


@scen
def trailer_wrapped():
    m = series('[PATCH {c}]', 2)
    m.append(M('r1@example.org', BOB, 'Re: [PATCH 1/2] s: part 1',
               "ok\n\nReviewed-by: Bob Reviewer With A Long Name\n<bob@example.org>\n", irt=m[1].mid, t=20))
    return m, m[0].mid


@scen
def trailer_wrapped_fixes():
    m = series('[PATCH {c}]', 2)
    m.append(M('r1@example.org', BOB, 'Re: [PATCH 1/2] s: part 1',
               "ok\n\nFixes: 0123456789ab (\"drv: a very long title that\nwraps here\")\n"
               "Reviewed-by: Bob Reviewer <bob@example.org>\n", irt=m[1].mid, t=20))
    return m, m[0].mid


@scen
def trailer_wrapped_indented():
    m = series('[PATCH {c}]', 2)
    m.append(M('r1@example.org', BOB, 'Re: [PATCH 1/2] s: part 1',
               "ok\n\nReviewed-by: Bob Reviewer With A Long Name\n  <bob@example.org>\n", irt=m[1].mid, t=20))
    return m, m[0].mid


@scen
def reply_to_reply_no_re_trailer():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r1@example.org', m[2].mid, BOB, ['Question?'], 20))
    m.append(M('r2@example.org', CAY, 'an unrelated subject', 'I agree.\n\nTested-by: Cay Tester <cay@example.org>\n',
               irt='r1@example.org', t=21))
    return m, m[0].mid


@scen
def cross_version_carry_separate_threads():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r1@example.org', 's-v1-1@example.org', BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 20))
    v2 = series('[PATCH v2 {c}]', 2, ver=2, t=100)
    v2[1].body = patch_body('s1v1')
    m += v2
    return m, 's-v2-0@example.org'


@scen
def v3_into_v1_thread_with_v2():
    m = series('[PATCH {c}]', 2)
    m += series('[PATCH v2 {c}]', 2, ver=2, t=100, cover_irt='s-v1-0@example.org')
    m += series('[PATCH v3 {c}]', 2, ver=3, t=200, cover_irt='s-v2-0@example.org')
    m.append(rep('r1@example.org', 's-v3-0@example.org', BOB, ['Acked-by: Bob Reviewer <bob@example.org>'], 300))
    return m, 's-v1-0@example.org'


@scen
def cover_no_counter_v1():
    m = series('[PATCH {c}]', 2)
    m[0].subject = '[PATCH] s series title'
    m.append(rep('r1@example.org', m[0].mid, BOB, ['Acked-by: Bob Reviewer <bob@example.org>'], 20))
    return m, m[0].mid


@scen
def uncounted_patches_under_cover():
    m = series('[PATCH v2 {c}]', 2, ver=2)
    m[1].subject = '[PATCH v2] s: part 1'
    m[2].subject = '[PATCH v2] s: part 2'
    return m, m[0].mid


simple_prefix('p_glued_counter_10', '[PATCH{c}]', n=10)
simple_prefix('p_commas_nospace', '[PATCH,v2,{c}]')
simple_prefix('p_underscore_v', '[PATCH_v2 {c}]')
simple_prefix('p_mixed_case', '[Patch V2 {c}]')
simple_prefix('p_rfc_glued', '[RFC PATCHv3 {c}]')
simple_prefix('p_counter_pad_small', '[PATCH v2 {c}]', n=3, counter_fmt='0{i}/{n}')
simple_prefix('p_total_padded', '[PATCH v2 {c}]', n=3, counter_fmt='{i}/0{n}')


@scen
def media_tag_after_counter():
    m = series('[PATCH {c}]', 2)
    for x in m:
        x.subject = x.subject.replace('] s', '] [media] s', 1)
    return m, m[0].mid


def _only_cover_version(pfx0, pfx):
    m = series(pfx, 2, ver=2, pfx0=pfx0)
    m.append(rep('r1@example.org', m[0].mid, BOB, ['Acked-by: Bob Reviewer <bob@example.org>'], 20))
    return m, m[0].mid


@scen
def cover_version_nocounter_patches_plain():
    m, mid = _only_cover_version('[PATCH v2 {c}]', '[PATCH {c}]')
    m[0].subject = '[PATCH v2] s series title'
    return m, mid


@scen
def cover_version_rfc():
    return _only_cover_version('[RFC PATCH v2 {c}]', '[RFC PATCH {c}]')


@scen
def cover_version_after_counter():
    return _only_cover_version('[PATCH {c} v2]', '[PATCH {c}]')


@scen
def cover_version_glued():
    return _only_cover_version('[PATCHv2 {c}]', '[PATCH {c}]')


@scen
def cover_version_chain_reply():
    m = series('[PATCH {c}]', 3, ver=2, pfx0='[PATCH v2 {c}]')
    m[2].irt = m[1].mid
    m[3].irt = m[2].mid
    return m, m[0].mid


@scen
def cover_version_refs_only():
    m = series('[PATCH {c}]', 2, ver=2, pfx0='[PATCH v2 {c}]')
    for x in m[1:]:
        x.refs = [m[0].mid]
        x.irt = None
    return m, m[0].mid


@scen
def cover_version_v3_into_v2_thread():
    m = series('[PATCH {c}]', 2, ver=2, pfx0='[PATCH v2 {c}]')
    m += series('[PATCH {c}]', 2, ver=3, pfx0='[PATCH v3 {c}]', t=100, cover_irt='s-v2-0@example.org')
    return m, 's-v2-0@example.org'


@scen
def cover_version_some_patches_named():
    m = series('[PATCH {c}]', 3, ver=2, pfx0='[PATCH v2 {c}]')
    m[2].subject = m[2].subject.replace('[PATCH 2/3]', '[PATCH v2 2/3]')
    return m, m[0].mid


@scen
def cover_no_version_some_patches_named():
    m = series('[PATCH {c}]', 3, ver=2)
    m[1].subject = m[1].subject.replace('[PATCH 1/3]', '[PATCH v2 1/3]')
    return m, m[0].mid


@scen
def reply_with_fixup_diff():
    m = series('[PATCH {c}]', 2)
    m.append(M('r1@example.org', BOB, 'Re: [PATCH 1/2] s: part 1',
               "How about this instead:\n\nReviewed-by: Bob Reviewer <bob@example.org>\n\n"
               "Signed-off-by: Bob Reviewer <bob@example.org>\n" + diff('bobfix'), irt=m[1].mid, t=20))
    return m, m[0].mid


@scen
def lone_same_title_as_numbered():
    m = series('[PATCH {c}]', 3)
    m.append(M('x@example.org', ADA, '[PATCH] s: part 2', patch_body('s2new'), irt='s-v1-2@example.org', t=30))
    return m, m[0].mid


@scen
def lone_v2_other_title_in_series_thread():
    m = series('[PATCH {c}]', 3)
    m.append(M('x@example.org', ADA, '[PATCH v2] rust: unrelated fix', patch_body('rx'), irt='s-v1-2@example.org', t=30))
    return m, m[0].mid


@scen
def lone_v2_same_title_in_series_thread():
    m = series('[PATCH {c}]', 3)
    m.append(M('x@example.org', ADA, '[PATCH v2] s: part 2', patch_body('s2v2'), irt='s-v1-2@example.org', t=30))
    return m, m[0].mid


@scen
def two_additional_patches():
    m = series('[PATCH {c}]', 2)
    m.append(M('x1@example.org', ADA, '[PATCH] rust: one more', patch_body('x1'), irt='s-v1-2@example.org', t=30))
    m.append(M('x2@example.org', ADA, '[PATCH] doc: and another', patch_body('x2'), irt='s-v1-0@example.org', t=31))
    m.append(rep('r1@example.org', 'x1@example.org', BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 40))
    return m, m[0].mid


@scen
def additional_patch_to_reply_of_cover():
    m = series('[PATCH {c}]', 2)
    m.append(rep('r1@example.org', 's-v1-0@example.org', BOB, ['What about rust?'], 20))
    m.append(M('x1@example.org', ADA, '[PATCH] rust: that too', patch_body('x1'), irt='r1@example.org', t=30))
    m.append(rep('r2@example.org', 'x1@example.org', BOB, ['Acked-by: Bob Reviewer <bob@example.org>'], 40))
    return m, 'x1@example.org'


@scen
def patch_4_of_4_in_3_series():
    m = series('[PATCH {c}]', 3)
    m.append(M('s-v1-4@example.org', ADA, '[PATCH 4/4] s: part 4', patch_body('s4'), irt=m[0].mid, t=10))
    return m, m[0].mid


@scen
def additional_numbered_1_of_1():
    m = series('[PATCH {c}]', 2)
    m.append(M('x@example.org', ADA, '[PATCH 1/1] rust: extra', patch_body('x1'), irt='s-v1-2@example.org', t=30))
    return m, m[0].mid


@scen
def additional_series_in_thread():
    m = series('[PATCH {c}]', 2)
    extra = series('[PATCH {c}]', 2, tag='t', t=50, cover_irt='s-v1-2@example.org')
    m += extra
    return m, m[0].mid


@scen
def additional_series_in_thread_pick():
    m, _ = SCEN['additional_series_in_thread']()
    return m, 't-v1-0@example.org'



@scen
def patch_4_of_4_v2_unversioned():
    m = series('[PATCH v2 {c}]', 3, ver=2)
    m.append(M('s-v2-4@example.org', ADA, '[PATCH 4/4] s: part 4', patch_body('s4'), irt='s-v2-3@example.org', t=10))
    m.append(rep('r1@example.org', 's-v2-4@example.org', BOB, ['Reviewed-by: Bob Reviewer <bob@example.org>'], 20))
    m.append(rep('r2@example.org', 's-v2-0@example.org', CAY, ['Tested-by: Cay Tester <cay@example.org>'], 21))
    return m, m[0].mid


@scen
def patch_5_of_5_gap():
    m = series('[PATCH v2 {c}]', 3, ver=2)
    m.append(M('s-v2-5@example.org', ADA, '[PATCH v2 5/5] s: part 5', patch_body('s5'), irt='s-v2-0@example.org', t=10))
    return m, m[0].mid


@scen
def patch_4_of_4_other_author():
    m = series('[PATCH {c}]', 3)
    m.append(M('s-v1-4@example.org', BOB, '[PATCH 4/4] s: part 4', patch_body('s4', BOB), irt=m[0].mid, t=10))
    return m, m[0].mid


@scen
def patch_4_of_4_with_v1_thread():
    m = series('[PATCH {c}]', 3)
    m += series('[PATCH v2 {c}]', 3, ver=2, t=100, cover_irt='s-v1-0@example.org')
    m.append(M('s-v2-4@example.org', ADA, '[PATCH v2 4/4] s: part 4', patch_body('s4'), irt='s-v2-0@example.org', t=110))
    return m, 's-v1-0@example.org'



@scen
def cover_no_version_first_patch_named_v1_thread():
    m = series('[PATCH {c}]', 3)
    v2 = series('[PATCH {c}]', 3, ver=2, t=100, cover_irt='s-v1-0@example.org')
    v2[1].subject = v2[1].subject.replace('[PATCH 1/3]', '[PATCH v2 1/3]')
    m += v2
    m.append(rep('r1@example.org', 's-v2-0@example.org', BOB, ['Acked-by: Bob Reviewer <bob@example.org>'], 120))
    return m, 's-v1-0@example.org'


@scen
def partial_reroll_to_cover_lost_patch():
    m = series('[PATCH {c}]', 3)
    del m[2]
    m.append(M('s-v2-2@example.org', ADA, '[PATCH v2 2/3] s: part 2', patch_body('s2v2'), irt='s-v1-0@example.org', t=30))
    return m, 's-v2-2@example.org'



@scen
def p_v_bracket_patch_history():
    m = series('[PATCH {c}]', 3)
    m[2].subject = m[2].subject.replace('[PATCH 2/3]', '[PATCH 2/3] [v2]')
    return m, m[0].mid


def renamed(msgs, p):
    """The scenario's messages with Message-IDs, titles and diffs of their own
    (prefix p), so that several scenarios fit in one fixture unlinked."""
    out = []
    for m in msgs:
        subj = re.sub(r'(\] ?| )(s|drv|rust)( series title|:)', lambda x: f"{x.group(1)}{p}-{x.group(2)}{x.group(3)}",
                      m.subject, count=1)
        body = re.sub(r'\b(old|new) (\w+)', rf'\1 {p}\2', m.body)
        body = re.sub(r'\b(\w+)\.c\b', rf'{p}\1.c', body)
        out.append(M(f"{p}-{m.mid}", m.frm, subj, body, irt=f"{p}-{m.irt}" if m.irt else None, t=m.t))
    return out


def write_fixture(path, scenarios):
    """One mbox holding the named scenarios, each renamed with its name's
    initials-free prefix; returns [(scenario, prefix, msgid b4 is given)]."""
    allm, picks = [], []
    for k, name in enumerate(scenarios):
        msgs, mid = SCEN[name]()
        p = f"d{k}"
        allm += renamed(msgs, p)
        picks.append((name, p, f"{p}-{mid}"))
    write_mbox(path, allm)
    return picks


if __name__ == '__main__' and len(sys.argv) > 2 and sys.argv[1] == '--fixture':
    # --fixture OUT.mbox SCENARIO...: write them into one mbox, then compare
    # seam and b4 on it for each scenario's message.
    os.makedirs(os.path.join(OUT, 'home'), exist_ok=True)
    path = os.path.abspath(sys.argv[2])
    for name, p, mid in write_fixture(path, sys.argv[3:]):
        compare(f"fixture-{p}-{name}", None, mid, mbox=path)
    sys.exit(0)

if __name__ == '__main__':
    os.makedirs(os.path.join(OUT, 'home'), exist_ok=True)
    with open(os.path.join(OUT, 'home', '.gitconfig'), 'w') as f:
        f.write("[user]\n\tname = Seam Test\n\temail = seam-test@example.org\n"
                "[b4]\n\tattestation-policy = off\n\tattestation-check-dkim = no\n")
    names = sys.argv[1:] or list(SCEN)
    bad = 0
    for n in names:
        msgs, mid = SCEN[n]()
        if not compare(n, msgs, mid):
            bad += 1
    print(f"{bad} of {len(names)} differ")
