#!/bin/bash
# am-differential.sh SEAM OUT [VARIANT...]
#
# Differential test of seam against git am. For every variant (all of them
# when none is named) it builds a small repository, makes commits, turns
# them into mail with git format-patch (and hand edits the mail into what
# mail clients and gateways send), then compares, commit by commit, the tree
# (%T), the author (%an <%ae> %ad) and the message (%B) of
#   ref    plain `git am` of the mail,
#   am     `git am` of what `seam am` writes for the series,
#   apply  `seam apply` of the series.
# Prints one line per variant, "same" or "DIFF" (details in OUT/NAME/).
# Exit status: the number of variants that differ.
set -u
SEAM=$(realpath "$1")
OUT=$(realpath -m "$2")
shift 2
mkdir -p "$OUT"
export HOME="$OUT/home" GIT_CONFIG_NOSYSTEM=1 TZ=UTC LC_ALL=C
mkdir -p "$HOME"
cat > "$HOME/.gitconfig" <<'EOF'
[user]
	name = Com Mitter
	email = committer@example.org
[commit]
	gpgsign = false
[init]
	defaultBranch = master
[protocol "file"]
	allow = always
EOF

export GIT_COMMITTER_DATE='1700000000 +0000'
AUTHOR_N=0
# commit MSGFILE: commits the index as author "Ada Author" with a date that
# changes with every commit (and a zone that is not UTC).
commit() {
  AUTHOR_N=$((AUTHOR_N + 1))
  GIT_AUTHOR_NAME=${AN:-Ada Author} GIT_AUTHOR_EMAIL=${AE:-ada@example.org} \
    GIT_AUTHOR_DATE="$((1700000000 + AUTHOR_N * 3600)) +0200" git commit -q --allow-empty -F "$1"
}
msg() { printf "%b" "$1" > "$W.msg"; echo "$W.msg"; }

BASE="$OUT/base"
if [ ! -d "$BASE" ]; then
  git init -q "$BASE"
  (
    cd "$BASE"
    seq 1 30 | sed 's/^/line /' > a.c
    printf 'one\r\ntwo\r\nthree\r\nfour\r\nfive\r\n' > crlf.txt
    printf 'spaced\n' > 'with space.txt'
    printf 'first\nlast without newline' > noeol.txt
    printf 'keep\ndrop me\n' > lastline.txt
    printf 'top\n' > top.txt
    printf '\000\001\002binary\377\n' > bin.dat
    : > empty.txt
    printf '#!/bin/sh\necho hi\n' > script.sh
    printf 'caf\303\251\n' > 'caf\303\251.txt'
    printf 'to be renamed\nline 2\nline 3\nline 4\nline 5\n' > old.txt
    printf 'Read me.\n' > README
    ln -s a.c link
    git add -A
    git commit -q -m base
  )
  git init -q "$OUT/sub"
  (cd "$OUT/sub" && echo s > s && git add s && git commit -q -m s1 && echo t > s && git commit -qam s2)
fi

# ---- variants: each makes commits in $W; FP holds extra format-patch options,
# and an optional mangle_NAME edits the mbox ($1) in place.

v_plain() { echo 'line 31' >> a.c; git add -A; commit "$(msg 'a: add line 31\n\nMore lines.\n\nSigned-off-by: Ada Author <ada@example.org>\n')"; }
v_sep_space() { v_plain; }
mangle_sep_space() { perl -0pi -e 's/^---\n/--- \n/m' "$1"; }
v_sep_tab() { v_plain; }
mangle_sep_tab() { perl -0pi -e 's/^---\n/---\t\n/m' "$1"; }
v_sep_in_body() { echo x >> a.c; git add -A; commit "$(msg 'a: dashes\n\nAbove.\n---\nBelow the dashes.\n\nSigned-off-by: Ada Author <ada@example.org>\n')"; }
v_no_stat() { v_plain; FP=--no-stat; }
v_no_separator() { v_plain; }
mangle_no_separator() { perl -0pi -e 's/^---\n.*?\n\n(diff --git)/$1/ms' "$1"; }
v_inbody_from() { AN='Bob Other' AE=bob@example.org v_plain; FROM='Sam Sender <sam@example.org>'; }
v_inbody_from_noblank() { v_inbody_from; }
mangle_inbody_from_noblank() { perl -0pi -e 's/^(From: Bob Other <bob\@example.org>\n)\n/$1/m' "$1"; }
v_inbody_from_date() { v_inbody_from; }
mangle_inbody_from_date() { perl -0pi -e 's/^(From: Bob Other <bob\@example.org>\n)/$1Date: Tue, 2 Jan 2024 03:04:05 -0800\n/m' "$1"; }
v_inbody_date_only() { v_plain; }
mangle_inbody_date_only() { perl -0pi -e 's/\n\nMore lines\./\n\nDate: Tue, 2 Jan 2024 03:04:05 -0800\n\nMore lines./' "$1"; }
v_inbody_subject() { v_plain; }
mangle_inbody_subject() { perl -0pi -e 's/\n\nMore lines\./\n\nSubject: [PATCH] a: the in-body subject\n\nMore lines./' "$1"; }
v_inbody_all() { v_plain; }
mangle_inbody_all() { perl -0pi -e 's/\n\nMore lines\./\n\nFrom: Bob Other <bob\@example.org>\nDate: Tue, 2 Jan 2024 03:04:05 -0800\nSubject: a: in-body subject\n\nMore lines./' "$1"; }
v_inbody_from_2047() { v_inbody_from; }
mangle_inbody_from_2047() { perl -0pi -e 's/^From: Bob Other <bob\@example.org>$/From: =?UTF-8?q?J=C3=B6rg_Other?= <jorg\@example.org>/m' "$1"; }
v_inbody_from_utf8() { AN=$(printf 'J\303\266rg Other') AE=jorg@example.org v_plain; FROM='Sam Sender <sam@example.org>'; }
v_inbody_from_quoted() { AN='Other, Bob' AE=bob@example.org v_plain; FROM='Sam Sender <sam@example.org>'; }
v_inbody_from_bare() { v_inbody_from; }
mangle_inbody_from_bare() { perl -0pi -e 's/^From: Bob Other <bob\@example.org>$/From: bob\@example.org/m' "$1"; }
v_inbody_from_lower() { v_inbody_from; }
mangle_inbody_from_lower() { perl -0pi -e 's/^From: Bob Other <bob\@example.org>$/from: Bob Other <bob\@example.org>/m' "$1"; }
v_inbody_after_blank() { v_inbody_from; }
mangle_inbody_after_blank() { perl -0pi -e 's/^(From: Bob Other <bob\@example.org>\n)/\n\n$1/m' "$1"; }
v_sender_is_author() { v_plain; FROM='Ada Author <ada@example.org>'; }
v_long_subject() { v_plain; git commit -q --amend -m 'a: a very long subject line that goes on and on well past the seventy-eight columns of a mail header so it is folded' -m 'Body.'; }
v_utf8_subject() { v_plain; git commit -q --amend -m "$(printf 'a: caf\303\251 na\303\257ve \342\200\224 stra\303\237e')" -m 'Body.'; }
v_utf8_long_subject() { v_plain; git commit -q --amend -m "$(printf 'a: caf\303\251 na\303\257ve stra\303\237e \303\274ber alles, a very long subject with accents \303\251\303\250 that folds')" -m 'Body.'; }
v_v3_counter() { v_plain; }
mangle_v3_counter() { perl -0pi -e 's/^Subject: \[PATCH\]/Subject: [PATCH v3 02\/10]/m' "$1"; }
v_rfc() { v_plain; FP=--rfc; }
v_bracket_inside() { v_plain; git commit -q --amend -m 'foo: [bar] baz' -m 'Body.'; }
v_bracket_leading() { v_plain; git commit -q --amend -m '[bar] baz' -m 'Body.'; }
v_subject_re() { v_plain; }
mangle_subject_re() { perl -0pi -e 's/^Subject: \[PATCH\]/Subject: Re: [PATCH]/m' "$1"; }
v_subject_spaces() { v_plain; }
mangle_subject_spaces() { perl -0pi -e 's/^Subject: \[PATCH\] a: add line 31/Subject: [PATCH]   a:  add\tline 31  /m' "$1"; }
v_subject_colon_tag() { v_plain; }
mangle_subject_colon_tag() { perl -0pi -e 's/^Subject: \[PATCH\]/Subject: [PATCH net-next] [RFC]/m' "$1"; }
v_crlf_mail() { v_plain; }
mangle_crlf_mail() { perl -pi -e 's/\n/\r\n/' "$1"; }
v_crlf_mail_file() { printf 'one\r\nTWO\r\nthree\r\nfour\r\nfive\r\n' > crlf.txt; git add -A; commit "$(msg 'crlf: change two\n')"; }
mangle_crlf_mail_file() { perl -pi -e 's/(?<!\r)\n/\r\n/' "$1"; }
# Re-encodes every body as quoted-printable or base64 (with the
# Content-Transfer-Encoding header a mail client would write).
reencode() {
  perl -MMIME::QuotedPrint -MMIME::Base64 -0e '
    my ($how, $f) = @ARGV; local $/; open my $h, "<", $f or die; my $all = <$h>; close $h;
    my @m = split /^(?=From [0-9a-f]{40} )/m, $all; my $out = "";
    for my $m (@m) {
      my ($hdr, $body) = split /\n\n/, $m, 2;
      $hdr =~ s/\nContent-Transfer-Encoding:[^\n]*//i;
      $hdr .= "\nMIME-Version: 1.0" unless $hdr =~ /^MIME-Version/mi;
      $hdr .= "\nContent-Type: text/plain; charset=UTF-8" unless $hdr =~ /^Content-Type/mi;
      if ($how eq "qp") { $body = encode_qp($body); $hdr .= "\nContent-Transfer-Encoding: quoted-printable"; }
      elsif ($how eq "qpcrlf") { (my $b = $body) =~ s/\n/\r\n/g; $body = encode_qp($b, "\n"); $hdr .= "\nContent-Transfer-Encoding: quoted-printable"; }
      else { $body = encode_base64($body); $hdr .= "\nContent-Transfer-Encoding: base64"; }
      $out .= "$hdr\n\n$body\n";
    }
    open $h, ">", $f or die; print $h $out;' "$1" "$2"
}
v_qp_8bit() { printf 'caf\303\251 = 1;\n' >> a.c; git add -A; commit "$(msg 'a: caf\303\251\n\nNa\303\257ve = body with = signs and a long line that is longer than seventy-six characters for sure.\n')"; }
mangle_qp_8bit() { reencode qp "$1"; }
v_b64_8bit() { v_qp_8bit; }
mangle_b64_8bit() { reencode b64 "$1"; }
v_qp_crlf_file() { v_crlf_mail_file; }
mangle_qp_crlf_file() { reencode qp "$1"; }
v_b64_crlf_file() { v_crlf_mail_file; }
mangle_b64_crlf_file() { reencode b64 "$1"; }
v_qp_crlf_all() { v_plain; }
mangle_qp_crlf_all() { reencode qpcrlf "$1"; }
v_latin1() { printf 'caf\303\251\n' >> README; git add -A; commit "$(msg 'readme: caf\303\251\n\nNa\303\257ve body.\n')"; }
mangle_latin1() { perl -0pi -e 's/charset=UTF-8/charset=ISO-8859-1/; s/\xc3([\x80-\xbf])/chr(ord($1)+64)/ge' "$1"; }
v_empty_add_del() { : > new-empty.txt; git rm -q empty.txt; git add -A; commit "$(msg 'empty: add one, delete one\n')"; }
v_rename() { git mv old.txt new.txt; commit "$(msg 'rename old to new\n')"; FP=-M; }
v_rename_change() { git mv old.txt new.txt; echo 'line 6' >> new.txt; git add -A; commit "$(msg 'rename and change\n')"; FP=-M; }
v_copy() { cp old.txt copy.txt; echo 'line 6' >> copy.txt; git add -A; commit "$(msg 'copy old\n')"; FP='-C --find-copies-harder'; }
v_mode() { chmod +x script.sh; git add -A; commit "$(msg 'script: make executable\n')"; }
v_mode_change() { chmod +x script.sh; echo 'echo bye' >> script.sh; git add -A; commit "$(msg 'script: executable and longer\n')"; }
v_binary() { printf '\000\001\002binary\376\n' > bin.dat; printf '\000new\n' > new.bin; git add -A; commit "$(msg 'binary files\n')"; }
v_binary_delete() { git rm -q bin.dat; commit "$(msg 'drop binary\n')"; }
v_space_name() { echo more >> 'with space.txt'; printf 'x\n' > 'new file.txt'; git add -A; commit "$(msg 'names with spaces\n')"; }
v_utf8_name() { echo more >> "$(printf 'caf\303\251.txt')"; printf 'x\n' > "$(printf 'na\303\257ve.c')"; git add -A; commit "$(msg 'non-ASCII names\n')"; }
v_quote_name() { printf 'x\n' > 'a"b.txt'; printf 'y\n' > 'tab	name.txt'; printf 'z\n' > 'back\slash.txt'; git add -A; commit "$(msg 'odd names\n')"; }
v_rename_utf8() { git mv old.txt "$(printf 'n\303\251w name.txt')"; commit "$(msg 'rename to an odd name\n')"; FP=-M; }
v_noeol_add_nl() { printf 'first\nlast without newline\n' > noeol.txt; git add -A; commit "$(msg 'noeol: add newline\n')"; }
v_noeol_change() { printf 'first\nchanged without newline' > noeol.txt; git add -A; commit "$(msg 'noeol: change\n')"; }
v_noeol_remove_nl() { printf 'Read me.' > README; git add -A; commit "$(msg 'readme: drop newline\n')"; }
v_noeol_new() { printf 'no newline' > fresh.txt; git add -A; commit "$(msg 'fresh: no newline\n')"; }
v_delete_last_line() { printf 'keep\n' > lastline.txt; git add -A; commit "$(msg 'lastline: drop it\n')"; }
v_delete_all_lines() { : > lastline.txt; git add -A; commit "$(msg 'lastline: empty it\n')"; }
v_add_top() { printf 'new top\ntop\n' > top.txt; git add -A; commit "$(msg 'top: add above\n')"; }
v_delete_file() { git rm -q a.c; commit "$(msg 'drop a.c\n')"; }
v_symlink() { ln -sf README link; ln -s top.txt newlink; git add -A; commit "$(msg 'links\n')"; }
v_submodule() { git -c protocol.file.allow=always submodule -q add "$OUT/sub" sub 2>/dev/null; git -C sub checkout -q HEAD~1; git add -A; commit "$(msg 'add submodule\n')"; git -C sub checkout -q master; git add -A; commit "$(msg 'bump submodule\n')"; }
v_trailers() { v_plain; git commit -q --amend -F "$(msg 'a: trailers\n\nBody.\n\nFixes: 0123456789ab ("a: older")\nReported-by: Rep Orter <rep@example.org>\nLink: https://example.org/x\nCc: stable@vger.kernel.org # 6.1+\nSigned-off-by: Ada Author <ada@example.org>\n')"; }
v_scissors() { v_plain; git commit -q --amend -F "$(msg 'a: scissors\n\nAbove the cut.\n\n-- >8 --\nBelow the cut.\n\nSigned-off-by: Ada Author <ada@example.org>\n')"; }
v_from_line() { v_plain; git commit -q --amend -F "$(msg 'a: from line\n\nFrom the start this was wrong.\nFrom here on\n>From quoted\n\nSigned-off-by: Ada Author <ada@example.org>\n')"; }
v_from_line_mboxrd() { v_from_line; FP=--pretty=mboxrd; }
v_only_trailers() { v_plain; git commit -q --amend -F "$(msg 'a: only trailers\n\nReported-by: Rep Orter <rep@example.org>\nSigned-off-by: Ada Author <ada@example.org>\n')"; }
v_empty_body() { v_plain; git commit -q --amend -m 'a: subject only'; }
v_sob_only() { v_plain; git commit -q --amend -F "$(msg 'a: sob only\n\nSigned-off-by: Ada Author <ada@example.org>\n')"; }
v_body_whitespace() { v_plain; git commit -q --amend --cleanup=verbatim -F "$(msg 'a: whitespace\n\n\n  indented line\n\ttabbed line   \n\n\n\nafter blanks\n')"; }
v_diff_in_body() { v_plain; git commit -q --amend -F "$(msg 'a: quote a diff\n\nLike this:\ndiff --git a/x b/x\nand more\n')"; }
v_index_in_body() { v_plain; git commit -q --amend -F "$(msg 'a: index line\n\nIndex: something in prose\nmore\n')"; }
v_multiline_subject() { v_plain; git commit -q --amend -F "$(msg 'a: first line\nsecond line of the subject\n\nBody.\n')"; }
v_series3() { v_plain; echo 'line 32' >> a.c; git add -A; commit "$(msg 'a: add line 32\n')"; echo more >> README; git add -A; commit "$(msg 'readme: more\n')"; FP='--cover-letter'; }
v_series3_nocover() { v_series3; FP=; }
v_series_v2() { v_series3; FP='--cover-letter -v2'; }
v_inbody_series() { AN='Bob Other' AE=bob@example.org v_series3; FP=--cover-letter FROM='Sam Sender <sam@example.org>'; }
v_signature_footer() { v_plain; }
mangle_signature_footer() { perl -0pi -e 's/\n-- \n2\.[0-9.]+\n/\n-- \n2.39.5\n\n_______________________________________________\nlist mailing list\nlist\@example.org\n/' "$1"; }
v_html_alt() { v_plain; }
v_attachment() { v_plain; }
mangle_attachment() {
  perl -0pi -e 's/^(Content-Transfer-Encoding: 8bit\n|)\n(.*?)^---\n(.*)\z/MIME-Version: 1.0\nContent-Type: multipart\/mixed; boundary="BB"\n\n--BB\nContent-Type: text\/plain; charset=UTF-8\n\n$2\n--BB\nContent-Type: text\/x-patch; name="p.patch"\nContent-Disposition: attachment; filename="p.patch"\n\n---\n$3\n--BB--\n/ms' "$1"
}

# more of the patch break
v_changelog_after_sep() { v_plain; }
mangle_changelog_after_sep() { perl -0pi -e 's/^---\n/---\nv2: reworded\nv1: https:\/\/example.org\/v1\n---\n/m' "$1"; }
v_dashes_text_in_body() { v_plain; git commit -q --amend -F "$(msg 'a: dashes with text\n\nAbove.\n--- not a separator?\nBelow.\n')"; }
v_no_diff_git() { v_plain; }
mangle_no_diff_git() { perl -0pi -e 's/^diff --git a\/a.c b\/a.c\nindex [0-9a-f.]+ 100644\n//m' "$1"; }
v_diff_u_header() { v_plain; }
mangle_diff_u_header() { perl -0pi -e 's/^diff --git a\/a.c b\/a.c\nindex [0-9a-f.]+ 100644\n/diff -u a\/a.c b\/a.c\n/m' "$1"; }
v_index_header() { v_plain; FP=--no-stat; }
mangle_index_header() { perl -0pi -e 's/^diff --git a\/a.c b\/a.c\nindex [0-9a-f.]+ 100644\n/Index: a.c\n===================================================================\n/m' "$1"; }
# more hunk-less and odd diffs
v_empty_exec() { : > run.sh; chmod +x run.sh; git add -A; commit "$(msg 'add an empty executable\n')"; }
v_empty_space_name() { : > 'new empty.txt'; git add -A; commit "$(msg 'empty file with a space\n')"; }
v_empty_utf8_name() { : > "$(printf 'vid\303\251.txt')"; git add -A; commit "$(msg 'empty file, odd name\n')"; }
v_empty_then_fill() { : > later.txt; git add -A; commit "$(msg 'add empty\n')"; echo filled > later.txt; git add -A; commit "$(msg 'fill it\n')"; }
v_empty_mode() { chmod +x empty.txt; git add -A; commit "$(msg 'empty: executable\n')"; }
v_rename_space() { git mv 'with space.txt' 'still spaced.txt'; commit "$(msg 'rename spaced\n')"; FP=-M; }
v_rename_space_change() { git mv 'with space.txt' 'still spaced.txt'; echo more >> 'still spaced.txt'; git add -A; commit "$(msg 'rename spaced and change\n')"; FP=-M; }
v_mode_space() { chmod +x 'with space.txt'; git add -A; commit "$(msg 'mode of a spaced name\n')"; }
v_delete_space() { git rm -q 'with space.txt'; commit "$(msg 'delete spaced\n')"; }
v_typechange() { rm top.txt; ln -s README top.txt; git add -A; commit "$(msg 'top: now a link\n')"; }
v_binary_nodata() { v_binary; FP=--no-binary; }
v_delete_link() { git rm -q link; commit "$(msg 'drop link\n')"; }
v_submodule_remove() { v_submodule; git rm -q sub; git rm -q .gitmodules; commit "$(msg 'drop submodule\n')"; }
v_gitlink_only() { git update-index --add --cacheinfo 160000,"$(git -C "$OUT/sub" rev-parse HEAD)",gl; commit "$(msg 'add gitlink\n')"; git update-index --cacheinfo 160000,"$(git -C "$OUT/sub" rev-parse HEAD~1)",gl; commit "$(msg 'move gitlink\n')"; git update-index --force-remove gl; commit "$(msg 'drop gitlink\n')"; }
# more CRs
v_qp_crlf_newfile() { printf 'a\r\nb\r\n' > dos.txt; git add -A; commit "$(msg 'dos: add\n')"; }
mangle_qp_crlf_newfile() { reencode qp "$1"; }
v_qp_crlf_mixed() { printf 'one\r\nTWO\r\nthree\r\nfour\r\nfive\r\n' > crlf.txt; echo 'line 31' >> a.c; git add -A; commit "$(msg 'crlf and lf\n')"; }
mangle_qp_crlf_mixed() { reencode qp "$1"; }
v_b64_crlf_mixed() { v_qp_crlf_mixed; }
mangle_b64_crlf_mixed() { reencode b64 "$1"; }
v_qp_crlf_noeol() { printf 'one\r\ntwo\r\nthree\r\nfour\r\nfive' > crlf.txt; git add -A; commit "$(msg 'crlf: no newline at the end\n')"; }
mangle_qp_crlf_noeol() { reencode qp "$1"; }
v_qp_long_lines() { { head -c 300 /dev/zero | tr '\0' x; echo; echo 'trailing space   '; printf 'tab\t\n'; echo 'a=b'; } >> a.c; git add -A; commit "$(msg 'a: long lines\n')"; }
mangle_qp_long_lines() { reencode qp "$1"; }
v_qp_lone_cr() { printf 'mid\rline\n' >> a.c; git add -A; commit "$(msg 'a: lone CR\n')"; }
mangle_qp_lone_cr() { reencode qp "$1"; }
v_b64_crlf_all() { v_plain; }
mangle_b64_crlf_all() { perl -0pi -e 's/\n/\r\n/g' "$1"; perl -0pi -e 's/\r\n\r\n/\n\n/; s/\r\n/\n/ while 0' "$1"; reencode b64 "$1"; }
v_crlf_mail_inbody() { v_inbody_from; }
mangle_crlf_mail_inbody() { perl -pi -e 's/\n/\r\n/' "$1"; }
v_qp_crlf_message() { v_qp_crlf_mixed; git commit -q --amend -F "$(msg 'crlf: message\n\nBody line.\n\nSigned-off-by: Ada Author <ada@example.org>\n')"; }
mangle_qp_crlf_message() { reencode qp "$1"; perl -0pi -e 's/Body line\.\n/Body line.=0D\n/' "$1"; }
# more in-body headers
v_inbody_from_qp() { v_inbody_from; }
mangle_inbody_from_qp() { reencode qp "$1"; }
v_inbody_from_b64() { v_inbody_from; }
mangle_inbody_from_b64() { reencode b64 "$1"; }
v_inbody_from_utf8_qp() { v_inbody_from_utf8; }
mangle_inbody_from_utf8_qp() { reencode qp "$1"; }
v_inbody_from_attach() { v_inbody_from; }
mangle_inbody_from_attach() { mangle_attachment "$1"; }
v_inbody_from_comment() { v_inbody_from; }
mangle_inbody_from_comment() { perl -0pi -e 's/^From: Bob Other <bob\@example.org>$/From: bob\@example.org (Bob Other)/m' "$1"; }
v_inbody_from_folded() { v_inbody_from; }
mangle_inbody_from_folded() { perl -0pi -e 's/^From: Bob Other <bob\@example.org>$/From: Bob Other\n <bob\@example.org>/m' "$1"; }
v_inbody_from_same_email() { AN='Ada A. Author' v_plain; FROM='Ada Author <ada@example.org>'; }
v_inbody_from_latin1() { v_inbody_from_utf8; }
mangle_inbody_from_latin1() { perl -0pi -e 's/^(From: Sam.*\n(?:.*\n)*?)(Content-Type: text\/plain; charset=)UTF-8/$1$2ISO-8859-1/m; s/\xc3([\x80-\xbf])/chr(ord($1)+64)/ge' "$1"; }
v_inbody_subject_folded() { v_plain; }
mangle_inbody_subject_folded() { perl -0pi -e 's/\n\nMore lines\./\n\nSubject: a: an in-body subject that is long\n and folded onto a second line\n\nMore lines./' "$1"; }
v_inbody_subject_2047() { v_plain; }
mangle_inbody_subject_2047() { perl -0pi -e 's/\n\nMore lines\./\n\nSubject: =?UTF-8?q?a:_caf=C3=A9?=\n\nMore lines./' "$1"; }
v_inbody_patch_subject() { v_plain; }
mangle_inbody_patch_subject() { perl -0pi -e 's/\n\nMore lines\./\n\n[PATCH] a: subject from a bracket line\n\nMore lines./' "$1"; }
v_inbody_from_sep() { v_plain; }
mangle_inbody_from_sep() { perl -0pi -e 's/\n\nMore lines\./\n\n>From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\nFrom: Bob Other <bob\@example.org>\nSubject: [PATCH] a: forwarded\n\nMore lines./' "$1"; }
v_inbody_from_reply_trailer() { v_inbody_from; }
v_inbody_header_other() { v_plain; }
mangle_inbody_header_other() { perl -0pi -e 's/\n\nMore lines\./\n\nCc: someone\@example.org\nFrom: Bob Other <bob\@example.org>\n\nMore lines./' "$1"; }
v_inbody_from_not_first() { v_plain; }
mangle_inbody_from_not_first() { perl -0pi -e 's/\n\nMore lines\./\n\nMore lines.\nFrom: Bob Other <bob\@example.org>\n/' "$1"; }
v_header_from_2047() { AN=$(printf 'J\303\266rg \303\226ther') AE=jorg@example.org v_plain; }
v_header_from_quoted() { AN='Other, Bob' AE=bob@example.org v_plain; }
v_latin1_undeclared() { v_latin1; git commit -q --amend -F "$(msg 'readme: caf\303\251\n\nNa\303\257ve body, no charset.\n')"; }
mangle_latin1_undeclared() { perl -0pi -e 's/^MIME-Version: 1.0\nContent-Type: text\/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n//m; s/^(Subject: ).*$/$1\[PATCH\] readme: cafe/m; s/\xc3([\x80-\xbf])/chr(ord($1)+64)/ge' "$1"; }
v_crlf_sep_space() { v_plain; }
mangle_crlf_sep_space() { mangle_sep_space "$1"; perl -pi -e 's/\n/\r\n/' "$1"; }
v_qp_sep_space() { v_qp_8bit; }
mangle_qp_sep_space() { mangle_sep_space "$1"; reencode qp "$1"; }
v_crlf_empty() { v_empty_add_del; }
mangle_crlf_empty() { perl -pi -e 's/\n/\r\n/' "$1"; }
v_qp_empty() { : > new-empty.txt; printf 'caf\303\251\n' >> a.c; git add -A; commit "$(msg 'empty and 8bit\n')"; }
mangle_qp_empty() { reencode qp "$1"; }
v_b64_empty() { v_empty_add_del; }
mangle_b64_empty() { reencode b64 "$1"; }
v_rename_mode() { git mv script.sh run.sh; chmod +x run.sh; git add -A; commit "$(msg 'rename and chmod\n')"; FP=-M; }
v_crlf_mail_crlf_file() { v_crlf_mail_file; }
mangle_crlf_mail_crlf_file() { perl -pi -e 's/\n/\r\n/' "$1"; }
v_qp_crlf_file_crlf_mail() { v_crlf_mail_file; }
mangle_qp_crlf_file_crlf_mail() { reencode qp "$1"; perl -pi -e 's/\n/\r\n/' "$1"; }
v_inbody_from_trailing_ws() { v_inbody_from; }
mangle_inbody_from_trailing_ws() { perl -0pi -e 's/^(From: Bob Other <bob\@example.org>)$/$1 \t/m' "$1"; }
v_inbody_from_sep_space() { v_inbody_from; }
mangle_inbody_from_sep_space() { mangle_sep_space "$1"; }
v_empty_then_binary() { : > e2.txt; printf '\000x\n' > b2.bin; git add -A; commit "$(msg 'empty then binary\n')"; }
v_hunk_offset() { v_plain; }
mangle_hunk_offset() { perl -0pi -e 's/^\@\@ -28,3 \+28,4 \@\@/\@\@ -24,3 +24,4 \@\@/m' "$1"; }
v_new_dir() { mkdir -p d/e; echo x > d/e/f.txt; git add -A; commit "$(msg 'new directories\n')"; }
v_delete_dir() { v_new_dir; git rm -q -r d; commit "$(msg 'drop directories\n')"; }
v_blank_context() { printf 'a\n\nb\n\nc\n' > blanks.txt; git add -A; commit "$(msg 'blanks\n')"; printf 'a\n\nB\n\nc\n' > blanks.txt; git add -A; commit "$(msg 'blanks: change b\n')"; }
mangle_blank_context() { perl -pi -e 's/^ \n/\n/' "$1"; }
v_full_index() { v_binary; FP=--full-index; }
v_unified0() { v_plain; FP=-U0; }
v_big_binary() { head -c 20000 /dev/urandom > big.bin 2>/dev/null || seq 1 5000 > big.bin; git add -A; commit "$(msg 'big binary\n')"; printf 'x' | dd of=big.bin bs=1 seek=100 conv=notrunc 2>/dev/null; git add -A; commit "$(msg 'big binary: one byte\n')"; }
v_function_context() { v_plain; FP=-W; }
v_hunk_offset_back() { v_plain; }
mangle_hunk_offset_back() { perl -0pi -e 's/^\@\@ -28,3 \+28,4 \@\@/\@\@ -35,3 +35,4 \@\@/m' "$1"; }
# Patches made on a tree where lines moved: the first commit (which adds
# lines above and below) is not mailed, so git am applies the hunks of
# the rest at an offset.
drop_first() { perl -0i -ne 'my @m = split /^(?=From [0-9a-f]{40} )/m; shift @m; print @m' "$1"; }
v_base_moved() { { printf 'new 1\nnew 2\nnew 3\n'; cat a.c; } > a.tmp && mv a.tmp a.c; git add -A; commit "$(msg 'a: lines above\n')"; sed -i 's/^line 5$/line FIVE/; s/^line 25$/line TWENTY-FIVE/' a.c; git add -A; commit "$(msg 'a: two hunks\n')"; FP=--no-thread; }
mangle_base_moved() { drop_first "$1"; }
v_base_moved_up() { sed -i '2,4d' a.c; git add -A; commit "$(msg 'a: lines gone\n')"; sed -i 's/^line 10$/line TEN/; s/^line 30$/line THIRTY/' a.c; git add -A; commit "$(msg 'a: two hunks\n')"; }
mangle_base_moved_up() { drop_first "$1"; }
v_base_moved_crlf() { { printf 'zero\r\n'; cat crlf.txt; } > c.tmp && mv c.tmp crlf.txt; git add -A; commit "$(msg 'crlf: above\n')"; sed -i 's/^four\r$/FOUR\r/' crlf.txt; git add -A; commit "$(msg 'crlf: four\n')"; }
mangle_base_moved_crlf() { drop_first "$1"; reencode qp "$1"; }
v_base_moved_noeol() { { printf 'zero\n'; cat noeol.txt; } > n.tmp && mv n.tmp noeol.txt; git add -A; commit "$(msg 'noeol: above\n')"; printf 'zero\nfirst\nlast changed' > noeol.txt; git add -A; commit "$(msg 'noeol: last\n')"; }
mangle_base_moved_noeol() { drop_first "$1"; }
v_base_moved_ambiguous() { seq 1 10 | sed 's/.*/same/' > rep.txt; git add -A; commit "$(msg 'rep\n')"; sed -i '5s/same/diff/' rep.txt; git add -A; commit "$(msg 'rep: five\n')"; }
mangle_base_moved_ambiguous() { perl -0pi -e 's/^\@\@ -2,7 \+2,7 \@\@/\@\@ -3,7 +3,7 \@\@/m' "$1"; }
v_author_quotes() { AN='Bob "The Builder" Other' AE=bob@example.org v_plain; }
v_author_utf8_comma() { AN=$(printf 'J\303\266rg, Other') AE=jorg@example.org v_plain; }
v_author_apostrophe() { AN="Pat O'Brien" AE=pat@example.org v_plain; }
v_author_parens() { AN='Bob (Robert) Other' AE=bob@example.org v_plain; }
v_inbody_author_quotes() { AN='Bob "The Builder" Other' AE=bob@example.org v_plain; FROM='Sam Sender <sam@example.org>'; }
v_inbody_author_utf8_comma() { AN=$(printf 'J\303\266rg, Other') AE=jorg@example.org v_plain; FROM='Sam Sender <sam@example.org>'; }
v_author_long_utf8() { AN=$(printf 'J\303\266rg-\303\204nne M\303\274ller-L\303\274denscheidt von und zu Gro\303\237') AE=jorg@example.org v_plain; }
set_date() { perl -0pi -e "s/^Date: .*\$/Date: $2/m" "$1"; }
v_date_gmt() { v_plain; }
mangle_date_gmt() { set_date "$1" 'Tue, 2 Jan 2024 03:04:05 GMT'; }
v_date_est() { v_plain; }
mangle_date_est() { set_date "$1" 'Tue, 2 Jan 2024 03:04:05 EST'; }
v_date_noseconds() { v_plain; }
mangle_date_noseconds() { set_date "$1" 'Tue, 2 Jan 2024 03:04 +0530'; }
v_date_twodigit() { v_plain; }
mangle_date_twodigit() { set_date "$1" 'Tue, 2 Jan 24 03:04:05 +0100'; }
v_date_minus0000() { v_plain; }
mangle_date_minus0000() { set_date "$1" 'Tue, 02 Jan 2024 03:04:05 -0000'; }
v_date_comment() { v_plain; }
mangle_date_comment() { set_date "$1" 'Tue, 2 Jan 2024 03:04:05 +0000 (UTC)'; }
v_date_lower() { v_plain; }
mangle_date_lower() { set_date "$1" 'tue, 2 jan 2024 03:04:05 +0000'; }
v_date_inbody_bad() { v_plain; }
mangle_date_inbody_bad() { perl -0pi -e 's/\n\nMore lines\./\n\nDate: 2024-01-02T03:04:05+01:00\n\nMore lines./' "$1"; }
v_date_inbody_iso_space() { v_plain; }
mangle_date_inbody_iso_space() { perl -0pi -e 's/\n\nMore lines\./\n\nDate: 2024-01-02 03:04 -0730\n\nMore lines./' "$1"; }
v_date_iso_z() { v_plain; }
mangle_date_iso_z() { set_date "$1" '2024-02-29T23:59:59Z'; }
v_date_missing() { v_plain; }
mangle_date_missing() { perl -0pi -e 's/^Date: .*\n//m' "$1"; }
v_subject_latin1_q() { v_plain; }
mangle_subject_latin1_q() { perl -0pi -e 's/^Subject: \[PATCH\] a: add line 31$/Subject: [PATCH] =?ISO-8859-1?Q?a:_caf=E9?=/m' "$1"; }
v_subject_b64_split() { v_plain; }
mangle_subject_b64_split() { perl -0pi -e 's/^Subject: \[PATCH\] a: add line 31$/Subject: =?UTF-8?B?W1BBVENIXSBhOiBjYWbD?=\n =?UTF-8?B?qSBmaW4=?=/m' "$1"; }
v_subject_mixed_words() { v_plain; }
mangle_subject_mixed_words() { perl -0pi -e 's/^Subject: \[PATCH\] a: add line 31$/Subject: [PATCH] a: =?UTF-8?Q?caf=C3=A9?= and =?UTF-8?Q?na=C3=AFve?= words/m' "$1"; }
v_html_alternative() { v_plain; }
mangle_html_alternative() { perl -0pi -e 's/^(Subject: .*\n)\n(.*)\z/$1MIME-Version: 1.0\nContent-Type: multipart\/alternative; boundary="AA"\n\n--AA\nContent-Type: text\/plain; charset=UTF-8\n\n$2\n--AA\nContent-Type: text\/html; charset=UTF-8\n\n<p>html<\/p>\n--AA--\n/ms' "$1"; }
v_context_changed() { v_plain; }
mangle_context_changed() { perl -0pi -e 's/^ line 29$/ line 29 changed/m' "$1"; }
v_ws_stripped() { printf 'a  \nb\nc\n' > ws.txt; git add -A; commit "$(msg 'ws\n')"; printf 'a  \nB\nc\n' > ws.txt; git add -A; commit "$(msg 'ws: b\n')"; }
mangle_ws_stripped() { perl -pi -e 's/^ a  $/ a/' "$1"; }
v_readd_file() { git rm -q top.txt; commit "$(msg 'drop top\n')"; echo 'top again' > top.txt; git add -A; commit "$(msg 'top again\n')"; }
v_offset_wrong_side() { seq 1 40 | sed 's/.*/x/' > rep.txt; sed -i '10s/x/MARK/; 30s/x/MARK/' rep.txt; git add -A; commit "$(msg 'rep\n')"; sed -i '30s/MARK/DONE/' rep.txt; git add -A; commit "$(msg 'rep: second mark\n')"; }
mangle_offset_wrong_side() { perl -0pi -e 's/^\@\@ -27,7 \+27,7 \@\@/\@\@ -15,7 +15,7 \@\@/m' "$1"; }
# diff -u output of other tools: timestamps after a TAB, new and deleted files
v_trad_timestamps() { echo more >> 'with space.txt'; echo 'line 31' >> a.c; git add -A; commit "$(msg 'traditional with timestamps\n')"; }
mangle_trad_timestamps() { perl -0pi -e 's/^diff --git .*\nindex .*\n--- (.*?)\t?\n\+\+\+ (.*?)\t?\n/--- $1\t2024-01-02 03:04:05.000000000 +0100\n+++ $2\t2024-01-02 03:05:06.000000000 +0100\n/mg' "$1"; }
v_trad_new_delete() { echo fresh > fresh.txt; git rm -q top.txt; git add -A; commit "$(msg 'traditional new and delete\n')"; }
mangle_trad_new_delete() { perl -0pi -e 's/^diff --git .*\n(?:new|deleted) file mode .*\nindex .*\n//mg' "$1"; }
v_binary_rename() { git mv bin.dat moved.dat; commit "$(msg 'move binary\n')"; FP=-M; }
v_binary_copy_change() { cp bin.dat copy.dat; printf 'x' >> copy.dat; git add -A; commit "$(msg 'copy binary\n')"; FP='-C --find-copies-harder'; }
v_unified0_insert() { sed -i 's/^line 15$/line 15\nline 15.5/' a.c; git add -A; commit "$(msg 'a: insert in the middle\n')"; FP=-U0; }
v_unified0_replace() { sed -i 's/^line 15$/line FIFTEEN/' a.c; git add -A; commit "$(msg 'a: replace in the middle\n')"; FP=-U0; }
v_unified0_top() { sed -i '1i line 0' a.c; git add -A; commit "$(msg 'a: insert at the top\n')"; FP=-U0; }
v_unified0_second() { sed -i '1a line 1.5' a.c; git add -A; commit "$(msg 'a: insert after the first line\n')"; FP=-U0; }
v_flowed() { v_plain; git commit -q --amend -F "$(msg 'a: flowed\n\nA long line that \nwas wrapped.\n')"; }
mangle_flowed() { perl -0pi -e 's/^(Subject: .*\n)/$1MIME-Version: 1.0\nContent-Type: text\/plain; charset=UTF-8; format=flowed\n/m' "$1"; }
v_date_only_header() { v_plain; }
mangle_date_only_header() { perl -0pi -e 's/^Date: .*$/Date: 2 Jan 2024 03:04:05 -0800 (PST)/m' "$1"; }
# Variants with a review: a reply to the (one) patch gives a Reviewed-by that
# seam am and seam apply add to the commit message; git am of the mail
# does not see it, so the reference is git am's commit with the trailer
# added by git interpret-trailers.
REVIEWED="sep_space sep_tab sep_in_body no_stat no_separator changelog_after_sep crlf_sep_space qp_sep_space
  inbody_from inbody_from_noblank inbody_all inbody_from_qp inbody_from_sep_space only_trailers empty_body sob_only
  trailers scissors body_whitespace multiline_subject qp_crlf_file crlf_mail utf8_subject long_subject"
for r in $REVIEWED; do eval "v_r_$r() { v_$r; }"; declare -F "mangle_$r" > /dev/null && eval "mangle_r_$r() { mangle_$r \"\$1\"; }"; done
add_review() { # MBOX
  local id
  id=$(sed -n 's/^Message-Id: *//Ip' "$1" | head -1)
  printf 'From rev@example.org Thu Nov 16 00:00:00 2023\nFrom: Rev Iewer <rev@example.org>\nDate: Thu, 16 Nov 2023 00:00:00 +0000\nSubject: Re: [PATCH] review\nMessage-Id: <review-1@example.org>\nIn-Reply-To: %s\nReferences: %s\n\n> quoted\n\nReviewed-by: Rev Iewer <rev@example.org>\n\n' "$id" "$id" >> "$1"
}

ALL=$(declare -F | sed -n 's/^declare -f v_//p')
[ $# -gt 0 ] && ALL="$*"
BASEC=$(git -C "$BASE" rev-parse HEAD)

logs() { # REPO FROM TO
  git -C "$1" log --reverse --date=raw --format='tree %T%nauthor %an <%ae> %ad%n%B%n====' "$2..$3" 2>&1
}
fresh() { rm -rf "$1"; git clone -q "$BASE" "$1" 2>/dev/null; git -C "$1" config core.quotepath true; }

ndiff=0
for name in $ALL; do
  D="$OUT/$name"
  rm -rf "$D"
  mkdir -p "$D"
  W="$D/work"
  fresh "$W"
  FP= FROM=
  AUTHOR_N=0
  cd "$W" && "v_$name" > "$D/make.log" 2>&1
  cd "$OUT" || exit 1
  # shellcheck disable=SC2086
  git -C "$W" -c core.quotepath=true format-patch -q --stdout --thread $FP ${FROM:+"--from=$FROM"} "$BASEC..HEAD" > "$D/mail.mbox" 2>"$D/fp.err"
  if declare -F "mangle_$name" > /dev/null; then "mangle_$name" "$D/mail.mbox"; fi
  cp "$D/mail.mbox" "$D/ref.mbox.in"
  case $name in r_*) add_review "$D/mail.mbox" ;; esac
  # ref: plain git am of the mail, without a cover letter (git am stops at it)
  perl -0ne 'print grep { !/^Subject: \[PATCH[^]]* 0+\/[0-9]+\]/m } split /^(?=From [0-9a-f]{40} )/m' \
    "$D/ref.mbox.in" > "$D/ref.mbox"
  fresh "$D/ref"
  git -C "$D/ref" am -q "$D/ref.mbox" > "$D/ref.err" 2>&1 || echo "git am failed" >> "$D/ref.err"
  case $name in r_*)
    git -C "$D/ref" log -1 --format=%B | git interpret-trailers --trailer 'Reviewed-by: Rev Iewer <rev@example.org>' > "$D/want.msg"
    git -C "$D/ref" commit -q --amend --allow-empty -F "$D/want.msg" --cleanup=strip ;;
  esac
  logs "$D/ref" "$BASEC" HEAD > "$D/ref.log"
  # seam
  "$SEAM" --db "$D/db" ingest "$D/mail.mbox" > "$D/ingest.out" 2>&1
  SID=$("$SEAM" --db "$D/db" series --json 2>/dev/null | grep -o '"id":"[0-9a-f]*"' | cut -d'"' -f4 | tr '\n' ' ')
  echo "$SID" > "$D/series"
  fresh "$D/am"
  "$SEAM" --db "$D/db" am ${SID%% *} -o "$D/am.mbox" > "$D/am.err" 2>&1
  git -C "$D/am" am -q "$D/am.mbox" >> "$D/am.err" 2>&1 || echo "git am failed" >> "$D/am.err"
  logs "$D/am" "$BASEC" HEAD > "$D/am.log"
  fresh "$D/apply"
  "$SEAM" --db "$D/db" apply ${SID%% *} --repo "$D/apply" --branch diff > "$D/apply.err" 2>&1 ||
    echo "seam apply failed" >> "$D/apply.err"
  logs "$D/apply" "$BASEC" diff > "$D/apply.log"
  res=same
  cmp -s "$D/ref.log" "$D/am.log" || res="$res am-DIFF"
  cmp -s "$D/ref.log" "$D/apply.log" || res="$res apply-DIFF"
  [ "$(echo "$SID" | wc -w)" = 1 ] || res="$res series:$(echo "$SID" | wc -w)"
  if grep -q 'git am failed' "$D/ref.err"; then
    if grep -q 'seam apply failed' "$D/apply.err"; then res="${res/ apply-DIFF/} (git am and seam apply fail)"
    else res="$res (git am failed)"; fi
  fi
  [ "$res" = same ] || { res=${res#same }; ndiff=$((ndiff + 1)); }
  printf '%-24s %s\n' "$name" "$res"
done
exit $ndiff
