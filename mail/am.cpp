#include "mail/am.hpp"

#include <ctime>
#include <set>

#include "core/message.hpp"
#include "mail/parse/body.hpp"
#include "mail/parse/date.hpp"
#include "mail/parse/mailinfo.hpp"
#include "mail/parse/parse.hpp"
#include "mail/parse/trailers.hpp"

namespace seam::mail {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trailer_line(const core::Trailer& t) { return t.name + ": " + t.value; }

// git stripspace without comment handling: trailing whitespace of every line
// (a CR too) removed, runs of empty lines made one, none at the start or the
// end, a newline at the end when anything is left.
std::string stripspace(std::string_view in) {
  std::string out;
  size_t empties = 0;
  size_t i = 0;
  while (i < in.size()) {
    size_t nl = in.find('\n', i);
    size_t end = nl == std::string_view::npos ? in.size() : nl;
    std::string_view l = in.substr(i, end - i);
    while (!l.empty() && std::isspace(static_cast<unsigned char>(l.back()))) l.remove_suffix(1);
    i = end + 1;
    if (l.empty()) {
      ++empties;
      continue;
    }
    if (!out.empty() && empties) out += '\n';
    empties = 0;
    out.append(l);
    out += '\n';
  }
  return out;
}

// What git am reads from one patch mail: `git mailsplit` (which drops the CR
// of every CRLF line end unless --keep-cr) and `git mailinfo`. CRs that came
// inside quoted-printable or base64 content stay, as git am keeps them: they
// belong to a file with CRLF line ends. When the patch's own "diff --git"
// line ends with one, the whole body was sent with CRLF line ends (a mail
// client or gateway re-encoded it; git never writes a CR there): then every
// CR before a LF is the transport's and goes (git mailinfo --quoted-cr=strip).
struct AmParts {
  std::string author_name, author_email, date, subject;
  std::string body;   // the commit message below the subject line, as git am keeps it
  std::string patch;  // from the patch break ("---" line, or the diff) to the end
};

AmParts split(std::string_view raw) {
  std::string text;
  text.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i)
    if (!(raw[i] == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n')) text += raw[i];
  MailinfoOptions o;
  o.quoted_cr = QuotedCr::nowarn;
  MailinfoResult r = mailinfo(text, o);
  AmParts a;
  size_t i = 0;
  while (i < r.info.size()) {
    size_t nl = r.info.find('\n', i);
    size_t end = nl == std::string::npos ? r.info.size() : nl;
    std::string l = r.info.substr(i, end - i);
    i = end + 1;
    auto take = [&](const char* key, std::string& out) {
      const std::string k = key;
      if (l.rfind(k, 0) == 0 && out.empty()) out = l.substr(k.size());
    };
    take("Author: ", a.author_name);
    take("Email: ", a.author_email);
    take("Subject: ", a.subject);
    take("Date: ", a.date);
  }
  a.patch = std::move(r.patch);
  size_t at = a.patch.rfind("diff --git ", 0) == 0 ? 0 : a.patch.find("\ndiff --git ");
  if (at != std::string::npos) {
    size_t eol = a.patch.find('\n', at + 1);
    if (eol != std::string::npos && eol > 0 && a.patch[eol - 1] == '\r') {
      std::string out;
      out.reserve(a.patch.size());
      for (size_t k = 0; k < a.patch.size(); ++k)
        if (!(a.patch[k] == '\r' && k + 1 < a.patch.size() && a.patch[k + 1] == '\n')) out += a.patch[k];
      a.patch = std::move(out);
    }
  }
  a.body = stripspace(r.msg);
  return a;
}

// The body of the commit message with the trailers collected from review
// after the patch's own, once each; ends with a newline.
std::string with_trailers(std::string msg, const core::SeriesPatch& p, const AmOptions& opts) {
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ' || msg.back() == '\r')) msg.pop_back();
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
    if (!msg.empty()) msg += has_block ? "\n" : "\n\n";
    msg += added;
  } else if (!msg.empty()) {
    msg += "\n";
  }
  return msg;
}

// Where the diff of a patch file starts: its first "diff --git" line, or,
// for a diff without git's headers ("diff -u", "Index: ", none at all),
// which git apply reads as well, its first "--- " line followed by a "+++ "
// line. npos when there is none.
size_t diff_start(const std::string& patch) {
  size_t start = patch.rfind("diff --git ", 0) == 0 ? 0 : patch.find("\ndiff --git ");
  if (start != std::string::npos && start != 0) ++start;
  // A file without git's headers may come first: the diff starts at
  // whichever comes first, as git apply reads on from the patch break.
  for (size_t i = 0; i < patch.size() && i < start;) {
    size_t nl = patch.find('\n', i);
    if (nl == std::string::npos) break;
    if (patch.compare(i, 4, "--- ") == 0 && patch.compare(nl + 1, 4, "+++ ") == 0) return i;
    i = nl + 1;
  }
  return start;
}

// The diff of a patch file: from its start (diff_start) to the end, without
// the "-- " signature format-patch appends.
std::string diff_of(const std::string& patch) {
  const size_t start = diff_start(patch);
  if (start == std::string::npos) return {};
  std::string diff = patch.substr(start);
  size_t sig = diff.rfind("\n-- \n");
  if (sig != std::string::npos && diff.size() - sig < 200) diff.resize(sig + 1);
  return diff;
}

// A header value as RFC 2047 encoded words when it is not plain ASCII.
std::string encode_header(const std::string& v) {
  bool plain = true;
  for (unsigned char c : v)
    if (c >= 0x80 || c < 0x20) plain = false;
  if (plain) return v;
  return encode_header_words(v);
}

// A display name for a From: header: encoded words when not ASCII, a quoted
// string when it holds address specials ("Last, First").
std::string display_name(const std::string& name) {
  std::string enc = encode_header(name);
  if (enc != name || name.find_first_of("()<>@,;:\\\".[]") == std::string::npos) return enc;
  std::string q = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + "\"";
}

// Whether a body can go into an mbox as it is: plain git am (git mailsplit
// without --mboxrd) would end the message at a line starting "From " that
// looks like a From_ line, and drops the CR of every CRLF line end.
bool needs_quoting(std::string_view body) {
  if (body.find('\r') != std::string_view::npos) return true;
  if (body.rfind("From ", 0) == 0 || body.find("\nFrom ") != std::string_view::npos) return true;
  return false;
}

// Quoted-printable (RFC 2045) that git mailinfo decodes back to the same
// bytes: CRs, control bytes, '=', 8-bit bytes, whitespace at a line end and
// the F of a leading "From " are escaped; lines are cut at 76 with soft breaks.
std::string quoted_printable(std::string_view body) {
  static const char* hexd = "0123456789ABCDEF";
  std::string out;
  size_t i = 0;
  while (i < body.size()) {
    size_t nl = body.find('\n', i);
    const bool has_nl = nl != std::string_view::npos;
    std::string_view l = body.substr(i, (has_nl ? nl : body.size()) - i);
    i = has_nl ? nl + 1 : body.size();
    std::string col;  // the encoded line
    std::vector<std::string> atoms;
    for (size_t k = 0; k < l.size(); ++k) {
      unsigned char c = static_cast<unsigned char>(l[k]);
      const bool last = k + 1 == l.size();
      const bool esc = c == '=' || c >= 0x7f || (c < 0x20 && c != '\t') || ((c == ' ' || c == '\t') && last) ||
                       (k == 0 && c == 'F' && l.substr(0, 5) == "From ");
      if (esc) atoms.push_back(std::string{'=', hexd[c >> 4], hexd[c & 15]});
      else atoms.push_back(std::string(1, static_cast<char>(c)));
    }
    std::string line;
    for (const auto& a : atoms) {
      if (line.size() + a.size() > 75) {
        out += line + "=\n";
        line.clear();
      }
      line += a;
    }
    out += line;
    if (has_nl) out += '\n';
    else out += "=\n";
  }
  return out;
}

}  // namespace

CommitParts commit_parts(std::string_view raw, const core::SeriesPatch& p, const AmOptions& opts) {
  CommitParts c;
  AmParts a = split(raw);
  std::string title = a.subject.empty() ? p.subject : a.subject;
  std::string text = with_trailers(a.body, p, opts);
  c.message = stripspace(title + "\n\n" + text);
  c.author.value = a.author_name;
  c.author.email = a.author_email;
  core::Message m;
  if (!a.date.empty()) decode_date(a.date, m);
  if (!a.date.empty() && !m.date) decode_iso_date(a.date, m);
  if (m.date) {
    c.date = *m.date;
    c.tz_minutes = m.tz_minutes;
  } else if (a.date.empty()) {
    // A mail without any Date: git am dates the commit now, in the local zone.
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    c.date = now;
    c.tz_minutes = static_cast<int>(local.tm_gmtoff / 60);
  } else if (auto parsed = parse_message(raw); parsed.message) {
    c.date = parsed.message->date.value_or(0);
    c.tz_minutes = parsed.message->tz_minutes;
  }
  c.diff = diff_of(a.patch);
  return c;
}

std::string am_commit_message(std::string_view raw, const core::SeriesPatch& p, const AmOptions& opts) {
  return with_trailers(split(raw).body, p, opts);
}

std::string am_message(std::string_view raw, const core::SeriesPatch& p, int version, int total,
                       const AmOptions& opts) {
  AmParts a = split(raw);
  std::string title = a.subject.empty() ? p.subject : a.subject;
  std::string tag = "PATCH";
  if (version > 1) tag += " v" + std::to_string(version);
  if (total > 1) tag += " " + std::to_string(p.index) + "/" + std::to_string(total);
  // The author and date git am would take (an in-body From:/Date: of a patch
  // sent on someone's behalf included) go into the header; the body starts
  // with the message itself.
  std::string from = a.author_email.empty() ? std::string()
                     : a.author_name.empty() || a.author_name == a.author_email
                         ? a.author_email
                         : display_name(a.author_name) + " <" + a.author_email + ">";
  std::string body = with_trailers(a.body, p, opts);
  std::string patch = a.patch;
  if (!patch.empty() && patch.rfind("---", 0) != 0) patch = "---\n" + patch;
  body += patch;
  if (!body.empty() && body.back() != '\n') body += '\n';
  const bool qp = needs_quoting(body);
  std::string out = "From git@z Thu Jan  1 00:00:00 1970\n";
  out += "Subject: " + encode_header("[" + tag + "] " + title) + "\n";
  if (!from.empty()) out += "From: " + from + "\n";
  if (!a.date.empty()) out += "Date: " + a.date + "\n";
  out += "Message-Id: <" + p.msgid + ">\n";
  out += "MIME-Version: 1.0\nContent-Type: text/plain; charset=\"utf-8\"\n";
  out += qp ? "Content-Transfer-Encoding: quoted-printable\n\n" : "Content-Transfer-Encoding: 8bit\n\n";
  out += qp ? quoted_printable(body) : body;
  if (out.back() != '\n') out += '\n';
  out += '\n';
  return out;
}

}  // namespace seam::mail
