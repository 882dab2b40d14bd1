// The fuzz targets (see targets.hpp). Each returns what broke, or "".
#include "tests/fuzz/targets.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include "core/analysis/hunks.hpp"
#include "core/analysis/patch_review.hpp"
#include "core/analysis/rules.hpp"
#include "mail/parse/bodyfacts.hpp"
#include "mail/parse/mailinfo.hpp"
#include "mail/sources/mbox.hpp"
#include "mail/parse/parse.hpp"
#include "mail/parse/subject.hpp"
#include "mail/parse/trailers.hpp"

namespace seam::fuzz {
namespace {

// UTF-8 as mail::make_valid_utf8 makes it, which also replaces NUL (valid
// UTF-8, but GLib's validator refuses it): NUL bytes pass.
bool valid_utf8(std::string_view s) {
  std::string copy(s);
  for (char& c : copy)
    if (c == '\0') c = ' ';
  std::string fixed = copy;
  mail::make_valid_utf8(fixed);
  return fixed == copy;
}

// "" or "<what>: not UTF-8".
std::string utf8(std::string_view what, std::string_view s) {
  return valid_utf8(s) ? std::string() : std::string(what) + " is not valid UTF-8";
}

#define SEAM_FUZZ_CHECK(cond, what) \
  do {                              \
    if (!(cond)) return what;       \
  } while (0)

#define SEAM_FUZZ_TRY(expr)               \
  do {                                    \
    std::string seam_fuzz_err = (expr);   \
    if (!seam_fuzz_err.empty()) return seam_fuzz_err; \
  } while (0)

// One RFC 2822 message: parse_message (header, Message-ID, date, subject
// facts), body_text (MIME tree, transfer encodings, charsets) and the
// address list parser on the whole input.
std::string message(std::string_view data) {
  auto r = mail::parse_message(data);
  if (r.message) {
    const auto& m = *r.message;
    SEAM_FUZZ_CHECK(!m.msgid.empty(), "a parsed message has an empty Message-ID");
    SEAM_FUZZ_TRY(utf8("msgid", m.msgid));
    SEAM_FUZZ_TRY(utf8("subject", m.subject));
    SEAM_FUZZ_TRY(utf8("from.name", m.from.name));
    SEAM_FUZZ_TRY(utf8("from.email", m.from.email));
    SEAM_FUZZ_TRY(utf8("in_reply_to", m.in_reply_to));
    SEAM_FUZZ_TRY(utf8("date_raw", m.date_raw));
    SEAM_FUZZ_TRY(utf8("title", m.facts.title));
    for (const auto& ref : m.references) SEAM_FUZZ_TRY(utf8("a reference", ref));
    for (const auto& a : mail::parse_address_list(m.to_raw)) {
      SEAM_FUZZ_TRY(utf8("to name", a.name));
      SEAM_FUZZ_TRY(utf8("to email", a.email));
    }
  } else {
    SEAM_FUZZ_CHECK(!r.error.empty(), "a rejected message without a reason");
  }
  SEAM_FUZZ_TRY(utf8("body_text", mail::body_text(data)));
  for (const auto& a : mail::parse_address_list(data)) {
    SEAM_FUZZ_TRY(utf8("address name", a.name));
    SEAM_FUZZ_TRY(utf8("address email", a.email));
  }
  return {};
}

// One Subject value.
std::string subject(std::string_view data) {
  auto s = mail::parse_subject(data);
  SEAM_FUZZ_CHECK(s.index >= 0 && s.total >= 0, "negative patch counter");
  SEAM_FUZZ_CHECK(s.version >= 1, "version below 1");
  SEAM_FUZZ_CHECK(s.title.size() <= data.size(), "title longer than the subject");
  auto n = mail::normalize_title(s.title);
  SEAM_FUZZ_CHECK(mail::normalize_title(n) == n, "normalize_title is not idempotent");
  return {};
}

// mbox data: the split, its entries' bounds, resuming from a cursor (what an
// incremental ingest does), and unquoting in both formats.
std::string mbox(std::string_view data) {
  (void)mail::looks_like_mbox(data);
  (void)mail::looks_like_message(data);
  auto entries = mail::split_mbox(data);
  uint64_t prev_end = 0;
  for (const auto& e : entries) {
    SEAM_FUZZ_CHECK(e.offset >= prev_end, "mbox entries overlap or go backwards");
    SEAM_FUZZ_CHECK(e.offset <= data.size() && e.length <= data.size() - e.offset,
                    "an mbox entry runs past the data");
    prev_end = e.offset + e.length;
    for (auto fmt : {mail::MboxFormat::mboxrd, mail::MboxFormat::mboxo}) {
      auto msg = mail::extract_message(data, e, fmt);
      SEAM_FUZZ_CHECK(msg.size() <= e.length, "an extracted message is longer than its entry");
    }
  }
  if (!entries.empty()) {
    size_t k = entries.size() / 2;
    auto rest = mail::split_mbox(data, entries[k].offset);
    SEAM_FUZZ_CHECK(rest.size() == entries.size() - k, "resuming at an entry's offset splits differently");
    for (size_t i = 0; i < rest.size(); ++i)
      SEAM_FUZZ_CHECK(rest[i].offset == entries[k + i].offset && rest[i].length == entries[k + i].length,
                      "resuming at an entry's offset splits differently");
  }
  return {};
}

// git mailinfo on one message; the first byte picks the options.
std::string mailinfo(std::string_view data) {
  mail::MailinfoOptions o;
  if (!data.empty()) {
    const auto f = static_cast<uint8_t>(data[0]);
    data.remove_prefix(1);
    o.keep_subject = f & 1;
    o.keep_non_patch_brackets = f & 2;
    if (f & 4) o.charset.reset();
    o.add_message_id = f & 8;
    o.scissors = f & 16;
    o.inbody_headers = !(f & 32);
    o.quoted_cr = (f >> 6) == 0 ? mail::QuotedCr::warn : (f >> 6) == 1 ? mail::QuotedCr::nowarn : mail::QuotedCr::strip;
  }
  // Byte for byte git's output, which is not always UTF-8 (git leaves a
  // header it cannot convert as it is): only the structure is checked.
  auto r = mail::mailinfo(data, o);
  if (r.empty) SEAM_FUZZ_CHECK(r.info.empty(), "an empty mail with mailinfo output");
  SEAM_FUZZ_CHECK(r.info.empty() || r.info.back() == '\n', "mailinfo output does not end a line");
  return {};
}

bool inside(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

// A message body: the commit's trailer block, a reviewer's trailers (the
// sender's address is the first line, for scan_body), each line as a trailer, where the
// commit message ends, and the body facts ingest stores.
std::string trailers(std::string_view data) {
  std::string_view from = data.substr(0, data.find('\n'));
  for (const auto& t : mail::commit_trailers(data)) SEAM_FUZZ_CHECK(!t.name.empty(), "a trailer without a name");
  for (const auto& t : mail::followup_trailers(data)) SEAM_FUZZ_CHECK(!t.name.empty(), "a trailer without a name");
  for (size_t i = 0; i < data.size();) {
    size_t nl = data.find('\n', i);
    size_t end = nl == std::string_view::npos ? data.size() : nl;
    mail::Trailer t;
    if (mail::parse_trailer_line(data.substr(i, end - i), t)) SEAM_FUZZ_CHECK(!t.name.empty(), "a trailer without a name");
    i = end + 1;
  }
  auto msg = mail::commit_message(data);
  SEAM_FUZZ_CHECK(msg.empty() || inside(msg, data), "commit_message is not a part of the body");
  (void)mail::has_diff(data);
  core::PatchFacts facts;
  mail::scan_body(data, from, facts);
  SEAM_FUZZ_CHECK(facts.patch_id.empty() || facts.patch_id.size() == 16, "a patch id that is not 16 hex digits");
  return {};
}

// Patch text as core/hunks reads it for the analysis, and its patch id.
std::string hunks(std::string_view data) {
  for (const auto& f : core::parse_diff(data)) {
    for (const auto& h : f.hunks) {
      int added = 0, removed = 0;
      for (const auto& l : h.lines) {
        SEAM_FUZZ_CHECK(l.origin == ' ' || l.origin == '+' || l.origin == '-', "a diff line of unknown origin");
        added += l.origin == '+';
        removed += l.origin == '-';
      }
      SEAM_FUZZ_CHECK(added <= h.new_count || h.new_count < 0, "more added lines than the hunk header counts");
      SEAM_FUZZ_CHECK(removed <= h.old_count || h.old_count < 0, "more removed lines than the hunk header counts");
    }
    (void)f.added();
    (void)f.removed();
  }
  auto id = mail::patch_id(data);
  SEAM_FUZZ_CHECK(id.empty() || id.size() == 16, "a patch id that is not 16 hex digits");
  return {};
}

// The Rust analysis of arbitrary patch text: every file class, the rules on
// the post-image of each Rust hunk (tree-sitter, balancing, SAFETY comments).
std::string rust(std::string_view data) {
  static const core::RuleSet rules = core::load_rules({SEAM_RULES_DIR});
  auto files = core::parse_diff(data);
  auto review = core::review_patch(files, rules);
  // A snippet cut inside a character would make `classify --json` throw.
  const bool text_is_utf8 = valid_utf8(data);
  for (const auto& f : review.findings) {
    SEAM_FUZZ_CHECK(!f.rule.empty(), "a finding without a rule");
    if (text_is_utf8) SEAM_FUZZ_TRY(utf8("a finding's snippet", f.snippet));
  }
  return {};
}

}  // namespace

const NamedTarget kTargets[] = {
    {"message", message}, {"subject", subject}, {"mbox", mbox},   {"mailinfo", mailinfo},
    {"trailers", trailers}, {"hunks", hunks},   {"rust", rust},   {nullptr, nullptr},
};

Target find_target(std::string_view name) {
  for (const NamedTarget* t = kTargets; t->name; ++t)
    if (name == t->name) return t->run;
  return nullptr;
}

}  // namespace seam::fuzz
