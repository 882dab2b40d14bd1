// Reply drafts to patch mails: one RFC 2822 message per patch, threaded
// under it, quoting the lines a reviewer's notes are about (or the open
// questions of its checklist) with each note below its line, ready for
// `neomutt -H`, aerc and `git send-email`.
//
// Headers of the original mail are hostile: every value taken from them has
// its CR, LF and other control characters removed before it is written, and
// message-ids that are not plain `id@domain` tokens are dropped, so nothing
// from the original can add a header line. Non-ASCII header text is written
// as RFC 2047 encoded words; the body is UTF-8 (8bit) with MIME headers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/message.hpp"

namespace seam::reports {

// The mail being answered.
struct ReplyOriginal {
  std::string msgid;  // without <>
  std::string subject;
  core::Address from;
  std::vector<core::Address> reply_to, to, cc;
  std::vector<std::string> references;  // oldest first, without <>
  std::string date_raw;                 // its Date header as written
  std::string body;                     // decoded text (mail::body_text)
};

// What to say at a place of the patch: `path` and `line` (post-image line of
// the diff), or line 0 for the patch as a whole (said at the top).
struct ReplyRemark {
  std::string path;
  int line = 0;
  std::string text;
};

struct ReplyOptions {
  core::Address me;          // From; empty email: no From header (the mail client adds one)
  bool reviewed_by = false;  // end with "Reviewed-by: me"
  // A template (b4's names): ${reply} the quoted patch with the remarks,
  // ${fromname} ${firstname} the original's sender, ${subject}, ${sentdate}
  // (its Date), ${msgid}, ${myname}, ${myemail}, ${signature}. "" for the
  // default: "On ${sentdate}, ${fromname} wrote:\n${reply}" and the
  // signature after "-- " when there is one.
  std::string template_text;
  std::string signature;
  std::string date;        // the Date header value (RFC 2822), from the caller
  std::string message_id;  // the new Message-ID, without <>
};

struct ReplyDraft {
  std::string text;        // the message, LF line ends
  std::string error;       // set when the draft is not ready to send (see reply_ready)
};

// The body for `o` with `remarks`: the lines each remark is about quoted
// ("> "), with at most 5 lines above it, the @@ line of its hunk and the
// diff --git line of its file; what is not quoted is collapsed to "> [...]".
// A remark not found in the diff goes at the top with its place.
std::string reply_body(const ReplyOriginal& o, const std::vector<ReplyRemark>& remarks);

// The whole draft. Unknown ${…} placeholders of the template are left as
// written.
std::string reply_message(const ReplyOriginal& o, const std::vector<ReplyRemark>& remarks, const ReplyOptions& opts);

// Why `draft` (a reply_message()) cannot go to `git send-email` as it is:
// no From or To, a ${…} placeholder left, a line longer than 998 bytes; ""
// when it can.
std::string reply_ready(const std::string& draft);

// Drafts as one mbox (mboxrd: "From " lines of bodies quoted with '>').
std::string reply_mbox(const std::vector<std::string>& drafts);

// The Reply-To header of a raw message as written (unfolded), "" when none.
std::string raw_header(std::string_view raw, std::string_view name);

// A header value as RFC 2047 encoded words when it is not plain ASCII;
// control characters (CR, LF…) removed first.
std::string encode_header_value(const std::string& v);

}  // namespace seam::reports
