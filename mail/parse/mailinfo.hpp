// git mailinfo: from one patch mail, the author, subject and date, the
// commit message and the patch, byte for byte as git prints them.
//
// git am trusts exactly this split, so reviewers' tools must agree with it
// to the byte: where the commit message ends ("---", "diff -", "Index: "),
// which in-body "From:"/"Subject:"/"Date:" lines override the mail header,
// what a "-- >8 --" scissors line cuts, how "[PATCH v2 3/7]" and "Re:" leave
// the subject. Those rules are git's heuristics over the raw lines of the
// mail (multipart boundaries included), not a MIME tree, so this follows
// git's line-by-line reading; GMime does the decoding underneath (RFC 2047
// words, base64 and quoted-printable, charset names and conversion) through
// the helpers of mail/body.hpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seam::mail {

// What to do with lines of base64 or quoted-printable text that end in CRLF
// (git's --quoted-cr): the CR came with the encoded content, so git keeps it
// and warns (warn), keeps it silently (nowarn), or removes it (strip).
enum class QuotedCr { nowarn, warn, strip };

// "nowarn", "warn" or "strip"; nullopt for anything else.
std::optional<QuotedCr> parse_quoted_cr(std::string_view action);

struct MailinfoOptions {
  bool keep_subject = false;             // -k: print the Subject as the mail has it
  bool keep_non_patch_brackets = false;  // -b: remove only [...] groups that mention PATCH
  // The charset author, subject and commit message are re-encoded to: UTF-8
  // (-u, the default), another one (--encoding=), or none at all (-n: every
  // byte stays as the mail had it). The patch is never re-encoded.
  std::optional<std::string> charset = std::string("UTF-8");
  bool add_message_id = false;  // -m: end the commit message with "Message-ID: <...>"
  bool scissors = false;        // --scissors: drop everything above a "-- >8 --" line
  bool inbody_headers = true;   // --no-inbody-headers: ignore From:/Subject:/Date: atop the body
  QuotedCr quoted_cr = QuotedCr::warn;
};

struct MailinfoResult {
  std::string info;   // what git mailinfo prints on standard output
  std::string msg;    // the content of its <msg> file
  std::string patch;  // the content of its <patch> file
  // What git prints on standard error, one line each without the newline,
  // in order ("warning: quoted CRLF detected", "error: cannot convert from
  // X to Y"). The "empty patch" error is left to the caller, which knows the
  // patch file's name.
  std::vector<std::string> diagnostics;
  bool empty = false;  // the input held nothing but whitespace; info stays empty
  bool ok = true;      // false where git exits with status 1
};

// Splits `raw`, the bytes of one message (an mbox "From " line at the top is
// allowed and ignored, as git mailsplit leaves it there), like
// `git mailinfo` with `opts`. Never throws on content.
MailinfoResult mailinfo(std::string_view raw, const MailinfoOptions& opts = {});

}  // namespace seam::mail
