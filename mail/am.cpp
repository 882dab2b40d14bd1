#include "mail/am.hpp"

#include <set>

#include "mail/parse.hpp"
#include "mail/subject.hpp"
#include "mail/trailers.hpp"

namespace seam::mail {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trailer_line(const core::Trailer& t) { return t.name + ": " + t.value; }

// The decoded body of a patch mail, with the carriage returns a mail client
// or transport put at the end of every line removed, as `git mailinfo
// --quoted-cr=strip` does. Only when the patch's own "diff --git" line ends
// with one: git never writes a CR there, so a patch that changes CRLF files
// keeps its CRs.
std::string patch_body(std::string_view raw) {
  std::string body = body_text(raw);
  size_t at = body.rfind("diff --git ", 0) == 0 ? 0 : body.find("\ndiff --git ");
  if (at == std::string::npos) return body;
  size_t eol = body.find('\n', at + 1);
  if (eol == std::string::npos || eol == 0 || body[eol - 1] != '\r') return body;
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i)
    if (!(body[i] == '\r' && i + 1 < body.size() && body[i + 1] == '\n')) out += body[i];
  return out;
}

// Splits a decoded patch body into the commit message and the rest (the
// "---" separator with diffstat and diff, or the diff itself).
std::pair<std::string, std::string> split_body(const std::string& body) {
  std::string_view msg = commit_message(body);
  return {std::string(msg), body.substr(msg.size())};
}

std::string with_trailers(std::string msg, const core::SeriesPatch& p, const AmOptions& opts) {
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ' || msg.back() == '\r')) msg.pop_back();
  // The commit message already holds the patch's own trailers; add the ones
  // collected from review after them, once each.
  std::set<std::string> present;
  for (const auto& t : commit_trailers(msg + "\n")) present.insert(lower(t.name + ": " + t.value));
  std::string added;
  for (const auto& t : p.trailers) {
    if (!present.insert(lower(trailer_line(t))).second) continue;
    added += trailer_line(t) + "\n";
  }
  if (!opts.add_sob.empty()) {
    // b4 moves the maintainer's own sign-off to the end.
    core::Trailer sob{"Signed-off-by", opts.add_sob, "", ""};
    added += trailer_line(sob) + "\n";
  }
  if (!added.empty()) {
    // Continue the trailer paragraph if there is one, else start one.
    const bool has_block = !commit_trailers(msg + "\n").empty();
    msg += has_block ? "\n" : "\n\n";
    msg += added;
  } else {
    msg += "\n";
  }
  return msg;
}

std::string header(std::string_view raw, const char* name) {
  // The first occurrence of a header, unfolded (RFC 5322).
  std::string want = lower(name) + ":";
  size_t i = 0;
  while (i < raw.size()) {
    size_t nl = raw.find('\n', i);
    size_t end = nl == std::string_view::npos ? raw.size() : nl;
    std::string_view l = raw.substr(i, end - i);
    if (l.empty() || l == "\r") break;
    i = end + 1;
    if (lower(std::string(l.substr(0, want.size()))) != want) continue;
    std::string v(l.substr(want.size()));
    while (i < raw.size() && (raw[i] == ' ' || raw[i] == '\t')) {
      nl = raw.find('\n', i);
      end = nl == std::string_view::npos ? raw.size() : nl;
      v += " ";
      v += raw.substr(i, end - i);
      i = end + 1;
    }
    while (!v.empty() && (v.back() == '\r' || v.back() == ' ')) v.pop_back();
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    return v;
  }
  return {};
}

}  // namespace

CommitParts commit_parts(std::string_view raw, const core::SeriesPatch& p, const AmOptions& opts) {
  CommitParts c;
  std::string body = patch_body(raw);
  auto [msg, rest] = split_body(body);
  auto parsed = parse_message(raw);
  std::string title = parsed.message ? parsed.message->facts.title : p.subject;
  std::string text = with_trailers(msg, p, opts);
  while (!text.empty() && (text.front() == '\n' || text.front() == ' ')) text.erase(0, 1);
  c.message = title + "\n" + (text.empty() ? "" : "\n" + text);
  if (parsed.message) {
    c.author.value = parsed.message->from.name;
    c.author.email = parsed.message->from.email;
    c.date = parsed.message->date.value_or(0);
    c.tz_minutes = parsed.message->tz_minutes;
  }
  // The diff starts at the first "diff --git" line ...
  size_t start = rest.rfind("diff --git ", 0) == 0 ? 0 : rest.find("\ndiff --git ");
  if (start == std::string::npos) return c;
  if (start > 0) ++start;
  std::string diff = rest.substr(start);
  // ... and ends before the "-- " signature format-patch appends.
  size_t sig = diff.rfind("\n-- \n");
  if (sig != std::string::npos && diff.size() - sig < 200) diff.resize(sig + 1);
  c.diff = std::move(diff);
  return c;
}

std::string am_commit_message(std::string_view raw, const core::SeriesPatch& p, const AmOptions& opts) {
  return with_trailers(split_body(patch_body(raw)).first, p, opts);
}

std::string am_message(std::string_view raw, const core::SeriesPatch& p, int version, int total,
                       const AmOptions& opts) {
  auto [msg, rest] = split_body(patch_body(raw));
  auto parsed = parse_message(raw);
  std::string title = parsed.message ? parsed.message->facts.title : p.subject;
  std::string tag = "PATCH";
  if (version > 1) tag += " v" + std::to_string(version);
  if (total > 1) tag += " " + std::to_string(p.index) + "/" + std::to_string(total);
  std::string out = "From git@z Thu Jan  1 00:00:00 1970\n";
  out += "Subject: [" + tag + "] " + title + "\n";
  out += "From: " + header(raw, "From") + "\n";
  out += "Date: " + header(raw, "Date") + "\n";
  out += "Message-Id: <" + p.msgid + ">\n";
  out += "MIME-Version: 1.0\nContent-Type: text/plain; charset=\"utf-8\"\nContent-Transfer-Encoding: 8bit\n\n";
  std::string body = with_trailers(msg, p, opts);
  if (!rest.empty() && rest.front() != '\n') body += "\n";
  body += rest;
  // mboxrd: quote lines that would read as message separators.
  size_t i = 0;
  while (i < body.size()) {
    size_t nl = body.find('\n', i);
    size_t end = nl == std::string::npos ? body.size() : nl + 1;
    std::string_view l(body.data() + i, end - i);
    size_t gt = l.find_first_not_of('>');
    if (gt != std::string_view::npos && l.compare(gt, 5, "From ") == 0) out += '>';
    out.append(l);
    i = end;
  }
  if (out.back() != '\n') out += '\n';
  out += '\n';
  return out;
}

}  // namespace seam::mail
