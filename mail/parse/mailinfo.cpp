#include "mail/parse/mailinfo.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "mail/parse/body.hpp"

namespace seam::mail {

namespace {

constexpr auto npos = std::string_view::npos;

// git's own ctype (sane_ctype): a space is one of " \t\n\r" only, never \v
// or \f and never a byte >= 0x80. Output depends on it (cleanup of runs of
// space, trimming), so std::isspace and its locale must stay out.
bool gspace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
char glower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// What git's str*() functions see of a buffer: the text up to the first NUL.
std::string_view cstr(std::string_view s) {
  size_t n = s.find('\0');
  return n == npos ? s : s.substr(0, n);
}

// The byte at `i`, or the NUL terminator git's strbufs have past the end.
char at(std::string_view s, size_t i) { return i < s.size() ? s[i] : '\0'; }

void rtrim(std::string& s) {
  while (!s.empty() && gspace(s.back())) s.pop_back();
}

void trim(std::string& s) {
  rtrim(s);
  size_t b = 0;
  while (b < s.size() && gspace(s[b])) ++b;
  s.erase(0, b);
}

// Case-insensitive strstr, for git's strcasestr() on header values.
size_t ifind(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return npos;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && glower(hay[i + k]) == glower(needle[k])) ++k;
    if (k == needle.size()) return i;
  }
  return npos;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ifind(a, b) == 0;
}

// Runs of space become one ' ' (git's cleanup_space).
void cleanup_space(std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (!gspace(s[i])) {
      out += s[i];
      continue;
    }
    out += ' ';
    while (i + 1 < s.size() && gspace(s[i + 1])) ++i;
  }
  s = std::move(out);
}

enum Header { kFrom, kSubject, kDate, kHeaderCount };
constexpr std::array<std::string_view, kHeaderCount> kHeaderNames = {"From", "Subject", "Date"};
using HeaderData = std::array<std::optional<std::string>, kHeaderCount>;

// git keeps a stack of MAX_BOUNDARIES (5) slots whose first stays empty.
constexpr size_t kMaxBoundaries = 4;

enum class TE { dontcare, base64, qp };

// The raw message read line by line, as git reads its standard input.
class Reader {
 public:
  explicit Reader(std::string_view data) : d_(data) {}
  bool eof() const { return pos_ >= d_.size(); }
  int peek() const { return eof() ? -1 : static_cast<unsigned char>(d_[pos_]); }
  void skip_space() {
    while (!eof() && gspace(d_[pos_])) ++pos_;
  }
  // strbuf_getline_lf: the next line without its LF; false (and an empty
  // line) at the end of the input.
  bool getline_lf(std::string& line) { return next(line, false); }
  // strbuf_getwholeline: the next line with its LF (the last may lack one).
  bool getwholeline(std::string& line) { return next(line, true); }

 private:
  bool next(std::string& line, bool keep_lf) {
    line.clear();
    if (eof()) return false;
    size_t nl = d_.find('\n', pos_);
    size_t end = nl == npos ? d_.size() : nl + (keep_lf ? 1 : 0);
    line.assign(d_.substr(pos_, end - pos_));
    pos_ = nl == npos ? d_.size() : nl + 1;
    return true;
  }
  std::string_view d_;
  size_t pos_ = 0;
};

// One run of git mailinfo over one message. Member functions carry the
// names of the git functions whose rules they follow, so that a difference
// in output can be traced to the rule quickly.
class Mailinfo {
 public:
  Mailinfo(std::string_view raw, const MailinfoOptions& opts) : in_(raw), o_(opts) {}
  MailinfoResult run();

 private:
  // header lines
  bool read_one_header_line(std::string& line);
  bool check_header(const std::string& line, HeaderData& hdr, bool overwrite);
  bool parse_header(std::string_view line, std::string_view name, std::string& value);
  void decode_header(std::string& value);
  bool convert(std::string& s, std::string_view from);
  void handle_content_type(const std::string& value);
  // body lines
  void handle_body(std::string& line);
  bool find_boundary(std::string& line);
  bool is_multipart_boundary(std::string_view line) const;
  bool handle_boundary(std::string& line);
  void handle_filter_flowed(std::string& line, std::string& prev);
  void handle_filter(std::string& line);
  bool handle_commit_msg(std::string& line);
  bool check_inbody_header(const std::string& line);
  bool is_inbody_header(std::string_view line) const;
  void flush_inbody_header_accum();
  void summarize_quoted_cr();
  // the info block
  void handle_info();
  void handle_from(const std::string& from);
  void parse_bogus_from(const std::string& line);
  void cleanup_subject(std::string& subject) const;

  void error(std::string msg) {
    diags_.push_back("error: " + std::move(msg));
    input_error_ = true;
  }

  Reader in_;
  const MailinfoOptions& o_;

  HeaderData p_hdr_;  // from the mail header (and MIME part headers)
  HeaderData s_hdr_;  // from in-body header lines
  std::vector<std::string> boundaries_;  // "--" + boundary, innermost last
  TE te_ = TE::dontcare;
  std::string charset_;  // of the current part, "" when undeclared
  bool format_flowed_ = false;
  bool delsp_ = false;
  std::optional<std::string> message_id_;

  bool header_stage_ = true;  // still looking for in-body headers
  int filter_stage_ = 0;      // 0: commit message, 1: patch
  std::string inbody_accum_;  // an in-body header with its continuation lines
  std::string log_;
  std::string patch_;
  size_t patch_lines_ = 0;
  bool have_quoted_cr_ = false;

  std::string name_, email_;
  std::string info_;
  std::vector<std::string> diags_;
  bool input_error_ = false;
};

// ---- header lines ------------------------------------------------------------

bool is_rfc2822_header(std::string_view line) {
  line = cstr(line);
  // An mbox "From " line (quoted or not) counts as a header.
  if (line.starts_with("From ") || line.starts_with(">From ")) return true;
  // RFC 5322 3.6.8: field-name = 1*ftext, ftext = %d33-57 / %d59-126.
  for (char ch : line) {
    if (ch == ':') return true;
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 33 && c <= 57) || (c >= 59 && c <= 126)) continue;
    break;
  }
  return false;
}

bool Mailinfo::read_one_header_line(std::string& line) {
  if (!in_.getline_lf(line)) return false;
  rtrim(line);
  if (line.empty() || !is_rfc2822_header(line)) {
    line += '\n';  // not a header: handed back to the body with its newline
    return false;
  }
  // Unfold: each continuation line's first byte becomes a space.
  std::string cont;
  while (in_.peek() == ' ' || in_.peek() == '\t') {
    if (!in_.getline_lf(cont)) break;
    cont[0] = ' ';
    rtrim(cont);
    line += cont;
  }
  return true;
}

// git's skip_header: `name` (any case), ':', then spaces. Returns where the
// value starts, or npos.
size_t skip_header(std::string_view line, std::string_view name) {
  line = cstr(line);
  if (line.size() <= name.size() || !iequals(line.substr(0, name.size()), name) || line[name.size()] != ':')
    return npos;
  size_t v = name.size() + 1;
  while (v < line.size() && gspace(line[v])) ++v;
  return v;
}

bool Mailinfo::parse_header(std::string_view line, std::string_view name, std::string& value) {
  size_t v = skip_header(line, name);
  if (v == npos) return false;
  value = std::string(cstr(line.substr(v)));
  decode_header(value);
  return true;
}

// git's slurp_attr: the value after `name` ("charset=") anywhere in the
// line, quoted or up to "; \t".
bool slurp_attr(std::string_view line, std::string_view name, std::string& attr) {
  attr.clear();
  line = cstr(line);
  size_t ap = ifind(line, name);
  if (ap == npos) return false;
  ap += name.size();
  std::string_view ends = "; \t";
  if (at(line, ap) == '"') {
    ++ap;
    ends = "\"";
  }
  std::string_view rest = line.substr(std::min(ap, line.size()));
  attr = std::string(rest.substr(0, std::min(rest.find_first_of(ends), rest.size())));
  return true;
}

bool has_attr_value(std::string_view line, std::string_view name, std::string_view value) {
  std::string v;
  return slurp_attr(line, name, v) && iequals(v, value);
}

void Mailinfo::handle_content_type(const std::string& value) {
  format_flowed_ = has_attr_value(value, "format=", "flowed");
  delsp_ = has_attr_value(value, "delsp=", "yes");
  std::string boundary;
  if (slurp_attr(value, "boundary=", boundary)) {
    if (boundaries_.size() >= kMaxBoundaries) {
      error("Too many boundaries to handle");
      return;
    }
    boundaries_.push_back("--" + boundary);
  }
  slurp_attr(value, "charset=", charset_);
}

bool Mailinfo::check_header(const std::string& line, HeaderData& hdr, bool overwrite) {
  std::string value;
  for (size_t i = 0; i < kHeaderCount; ++i) {
    if ((!hdr[i] || overwrite) && parse_header(line, kHeaderNames[i], value)) {
      hdr[i] = std::move(value);
      return true;
    }
  }
  if (parse_header(line, "Content-Type", value)) {
    handle_content_type(value);
    return true;
  }
  if (parse_header(line, "Content-Transfer-Encoding", value)) {
    // git looks for the word anywhere in the value.
    te_ = ifind(value, "base64") != npos ? TE::base64
          : ifind(value, "quoted-printable") != npos ? TE::qp
                                                      : TE::dontcare;
    return true;
  }
  if (parse_header(line, "Message-ID", value)) {
    if (o_.add_message_id) message_id_ = std::move(value);
    return true;
  }
  return false;
}

// Re-encodes `s` from `from` to the requested charset (git's
// convert_to_utf8). Nothing to do without a target, without a declared
// charset, or when they are the same.
bool Mailinfo::convert(std::string& s, std::string_view from) {
  if (!o_.charset || from.empty() || same_charset(*o_.charset, from)) return true;
  auto out = convert_charset(s, from, *o_.charset);
  if (!out) {
    error("cannot convert from " + std::string(from) + " to " + *o_.charset);
    return false;
  }
  s = std::move(*out);
  return true;
}

// RFC 2047 in git's manner: an encoded-word is decoded wherever "=?" starts
// one, space between two encoded-words is dropped, and each word is
// re-encoded on its own. GMime does the B/Q decoding and the conversion;
// GMime's own g_mime_utils_header_decode_text is not used because it joins
// adjacent base64 words of one charset before decoding and, in 3.2.13, loses
// the text after a padded word ("=?utf-8?b?...0LA=?= =?utf-8?b?...?="), which
// git-send-email writes for every long non-ASCII subject. A malformed word
// fails the run and leaves the value as it was, like git.
void Mailinfo::decode_header(std::string& value) {
  const std::string_view s = cstr(value);
  std::string out;
  size_t in = 0;
  for (size_t ep; (ep = s.find("=?", in)) != npos;) {
    if (in != ep) {
      // Text before the word stays, unless it is only the space between
      // the previous word and this one.
      bool only_space = true;
      for (size_t k = in; k < ep && only_space; ++k) only_space = gspace(s[k]);
      if (!only_space || in == 0) out.append(s.substr(in, ep - in));
    }
    const size_t cs = ep + 2;
    const size_t q = cs >= s.size() ? npos : s.find('?', cs);
    if (q == npos || q + 3 > s.size() || at(s, q + 1) == '\0' || at(s, q + 2) != '?') {
      input_error_ = true;
      return;
    }
    const size_t close = s.find("?=", q + 3);
    const char enc = glower(s[q + 1]);
    if (close == npos || (enc != 'b' && enc != 'q')) {
      input_error_ = true;
      return;
    }
    std::string_view payload = s.substr(q + 3, close - q - 3);
    std::string dec = enc == 'b' ? decode_transfer(payload, TransferEncoding::base64) : decode_q_word(payload);
    if (!convert(dec, s.substr(cs, q - cs))) return;
    out += dec;
    in = close + 2;
  }
  out.append(s.substr(in));
  value = std::move(out);
}

// ---- body lines ----------------------------------------------------------------

// A git format-patch separator line: "From <40 hex> Mon Sep 17 00:00:00 2001".
bool is_format_patch_separator(std::string_view line) {
  static constexpr std::string_view kSample =
      "From e6807f3efca28b30decfecb1732a56c7db1137ee Mon Sep 17 00:00:00 2001\n";
  if (line.size() != kSample.size() || !line.starts_with("From ")) return false;
  size_t hex = 0;
  while (5 + hex < line.size() && ((line[5 + hex] >= '0' && line[5 + hex] <= '9') ||
                                   (line[5 + hex] >= 'a' && line[5 + hex] <= 'f')))
    ++hex;
  if (hex != 40) return false;
  return line.substr(45) == kSample.substr(45);
}

// "-- >8 --" and its relatives: at least 8 visible bytes, perforation
// (dashes and scissors) over a third of them, and gaps under half of it.
bool is_scissors_line(std::string_view line) {
  line = cstr(line);
  int scissors = 0, gap = 0, perforation = 0;
  bool in_perforation = false;
  size_t first_nonblank = npos, last_nonblank = npos;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (gspace(c)) {
      if (in_perforation) {
        ++perforation;
        ++gap;
      }
      continue;
    }
    last_nonblank = i;
    if (first_nonblank == npos) first_nonblank = i;
    if (c == '-') {
      in_perforation = true;
      ++perforation;
      continue;
    }
    std::string_view two = line.substr(i, 2);
    if (two == ">8" || two == "8<" || two == ">%" || two == "%<") {
      in_perforation = true;
      perforation += 2;
      scissors += 2;
      ++i;
      continue;
    }
    in_perforation = false;
  }
  const int visible = first_nonblank == npos ? 0 : static_cast<int>(last_nonblank - first_nonblank + 1);
  return scissors && 8 <= visible && visible < perforation * 3 && gap * 2 < perforation;
}

// Where the patch starts: "diff -", "Index: ", "--- <file>", or a "---"
// line of nothing but space.
bool patchbreak(std::string_view line) {
  if (line.starts_with("diff -") || line.starts_with("Index: ")) return true;
  if (line.size() < 4 || !line.starts_with("---")) return false;
  if (line[3] == ' ' && !gspace(at(line, 4))) return true;
  for (size_t i = 3; i < line.size(); ++i) {
    if (line[i] == '\n') return true;
    if (!gspace(line[i])) break;
  }
  return false;
}

bool Mailinfo::is_multipart_boundary(std::string_view line) const {
  const std::string& top = boundaries_.back();
  return top.size() <= line.size() && line.compare(0, top.size(), top) == 0;
}

bool Mailinfo::find_boundary(std::string& line) {
  while (in_.getline_lf(line))
    if (!boundaries_.empty() && is_multipart_boundary(line)) return true;
  return false;
}

bool Mailinfo::handle_boundary(std::string& line) {
  for (;;) {
    const std::string& top = boundaries_.back();
    if (!(line.size() >= top.size() + 2 && line.compare(top.size(), 2, "--") == 0)) break;
    // An end boundary: the multipart is over. git marks it with an empty
    // line and skips its epilogue up to the enclosing boundary (or to the
    // end of the mail, when it was the outermost one).
    boundaries_.pop_back();
    std::string newline = "\n";
    handle_filter(newline);
    if (input_error_) return false;
    if (!find_boundary(line)) return false;
  }
  // A new part: its own headers, then its first line.
  te_ = TE::dontcare;
  charset_.clear();
  while (read_one_header_line(line)) check_header(line, p_hdr_, false);
  if (!in_.getline_lf(line)) return false;
  line += '\n';
  return true;
}

void Mailinfo::summarize_quoted_cr() {
  if (have_quoted_cr_ && o_.quoted_cr == QuotedCr::warn) diags_.push_back("warning: quoted CRLF detected");
}

void Mailinfo::handle_body(std::string& line) {
  std::string prev;  // a decoded line not complete yet (or a flowed one)
  if (!boundaries_.empty() && !find_boundary(line)) return;
  do {
    if (!boundaries_.empty() && is_multipart_boundary(line)) {
      if (!prev.empty()) {
        handle_filter(prev);
        prev.clear();
      }
      summarize_quoted_cr();
      have_quoted_cr_ = false;
      if (!handle_boundary(line)) return;
    }
    if (te_ == TE::dontcare) {
      handle_filter_flowed(line, prev);
    } else {
      // git decodes each encoded line on its own; a decoded chunk may hold
      // several lines or end in the middle of one, which waits in `prev`.
      std::string text = prev + decode_transfer(cstr(line), te_ == TE::base64 ? TransferEncoding::base64
                                                                              : TransferEncoding::quoted_printable);
      prev.clear();
      size_t start = 0;
      while (start < text.size()) {
        size_t nl = text.find('\n', start);
        if (nl == npos) {
          prev.append(text, start, npos);
          break;
        }
        std::string chunk = text.substr(start, nl + 1 - start);
        handle_filter_flowed(chunk, prev);
        start = nl + 1;
      }
    }
    if (input_error_) break;
  } while (in_.getwholeline(line));
  if (!prev.empty()) handle_filter(prev);
  summarize_quoted_cr();
  flush_inbody_header_accum();
}

void Mailinfo::handle_filter_flowed(std::string& line, std::string& prev) {
  size_t len = line.size();
  if (!format_flowed_) {
    if (len >= 2 && line[len - 2] == '\r' && line[len - 1] == '\n') {
      have_quoted_cr_ = true;
      if (o_.quoted_cr == QuotedCr::strip) line.erase(len - 2, 1);
    }
    handle_filter(line);
    return;
  }
  // RFC 3676 format=flowed: a line ending in a space continues on the next.
  if (len && line[len - 1] == '\n') {
    --len;
    if (len && line[len - 1] == '\r') --len;
  }
  if (len == 3 && line.starts_with("-- ")) {  // the signature separator stays as it is
    if (!prev.empty()) {
      handle_filter(prev);
      prev.clear();
    }
    handle_filter(line);
    return;
  }
  if (len && line[0] == ' ') {  // space-stuffing
    line.erase(0, 1);
    --len;
  }
  if (len && line[len - 1] == ' ') {
    prev.append(line, 0, len - (delsp_ ? 1 : 0));
    return;
  }
  line.insert(0, prev);
  prev.clear();
  handle_filter(line);
}

void Mailinfo::handle_filter(std::string& line) {
  if (filter_stage_ == 0) {
    if (!handle_commit_msg(line)) return;
    filter_stage_ = 1;
  }
  patch_ += line;
  ++patch_lines_;
}

bool Mailinfo::handle_commit_msg(std::string& line) {
  if (header_stage_ && (line.empty() || line == "\n")) {
    // Blank lines before the in-body headers are skipped; one after them
    // ends them.
    if (!inbody_accum_.empty()) {
      flush_inbody_header_accum();
      header_stage_ = false;
    }
    return false;
  }
  if (o_.inbody_headers && header_stage_) {
    header_stage_ = check_inbody_header(line);
    if (header_stage_) return false;
  } else {
    header_stage_ = false;
  }
  if (!convert(line, charset_)) return false;
  if (o_.scissors && is_scissors_line(line)) {
    // Everything so far was discussion: start the message over.
    log_.clear();
    header_stage_ = true;
    s_hdr_ = {};
    return false;
  }
  if (patchbreak(line)) {
    if (message_id_) log_ += "Message-ID: " + *message_id_ + "\n";
    return true;
  }
  log_ += line;
  return false;
}

bool Mailinfo::is_inbody_header(std::string_view line) const {
  for (size_t i = 0; i < kHeaderCount; ++i)
    if (!s_hdr_[i] && skip_header(line, kHeaderNames[i]) != npos) return true;
  return false;
}

void Mailinfo::flush_inbody_header_accum() {
  if (inbody_accum_.empty()) return;
  check_header(inbody_accum_, s_hdr_, false);  // is_inbody_header() made sure it matches
  inbody_accum_.clear();
}

bool Mailinfo::check_inbody_header(const std::string& line) {
  if (!inbody_accum_.empty() && (at(line, 0) == ' ' || at(line, 0) == '\t')) {
    if (o_.scissors && is_scissors_line(line)) {
      flush_inbody_header_accum();
      return false;
    }
    // A continuation of the in-body header before it.
    if (inbody_accum_.ends_with('\n')) inbody_accum_.pop_back();
    inbody_accum_ += line;
    return true;
  }
  flush_inbody_header_accum();
  // A quoted format-patch "From <sha>" line: the real headers follow.
  if (line.starts_with(">From") && gspace(at(line, 5))) return is_format_patch_separator(std::string_view(line).substr(1));
  if (line.starts_with("[PATCH]") && gspace(at(line, 7))) {
    s_hdr_[kSubject] = line;
    return true;
  }
  if (is_inbody_header(line)) {
    inbody_accum_ += line;
    return true;
  }
  return false;
}

// ---- the info block ------------------------------------------------------------

// Copies a comment "(...)" (nested ones too) without its backslash quoting.
// git recurses per nesting level; a depth counter does the same without
// letting hostile input ("((((...") exhaust the stack.
size_t unquote_comment(std::string& out, std::string_view in, size_t i) {
  out += '(';
  int depth = 1;
  bool literal = false;
  while (i < in.size()) {
    const char c = in[i++];
    if (literal) {
      literal = false;
    } else if (c == '\\') {
      literal = true;
      continue;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      out += ')';
      if (--depth == 0) return i;
      continue;
    }
    out += c;
  }
  return i;
}

// Copies a quoted string without its quotes and backslash quoting.
size_t unquote_quoted_string(std::string& out, std::string_view in, size_t i) {
  bool literal = false;
  while (i < in.size()) {
    const char c = in[i++];
    if (literal) {
      literal = false;
    } else if (c == '\\') {
      literal = true;
      continue;
    } else if (c == '"') {
      return i;
    }
    out += c;
  }
  return i;
}

void unquote_quoted_pair(std::string& line) {
  std::string_view in = cstr(line);
  std::string out;
  size_t i = 0;
  while (i < in.size()) {
    const char c = in[i++];
    if (c == '"') i = unquote_quoted_string(out, in, i);
    else if (c == '(') i = unquote_comment(out, in, i);
    else out += c;
  }
  line = std::move(out);
}

// The name to print: the address instead when the name is empty, too long
// or looks like an address itself.
void get_sane_name(std::string& out, const std::string& name, const std::string& email) {
  const std::string_view n = cstr(name);
  const std::string* src = &name;
  if (n.empty() || n.size() > 60 || n.find_first_of("@<>") != npos) src = &email;
  else if (&name == &out) return;
  out = *src;
}

void Mailinfo::parse_bogus_from(const std::string& line) {
  // "John Doe <johndoe>": an address without '@'.
  if (!email_.empty()) return;
  std::string_view l = cstr(line);
  size_t bra = l.find('<');
  if (bra == npos) return;
  size_t ket = l.find('>', bra);
  if (ket == npos) return;
  email_ = std::string(l.substr(bra + 1, ket - bra - 1));
  name_ = std::string(l.substr(0, bra));
  trim(name_);
  get_sane_name(name_, name_, email_);
}

void Mailinfo::handle_from(const std::string& from) {
  std::string f = from;
  unquote_quoted_pair(f);
  size_t at_sign = f.find('@');
  if (at_sign == npos) {
    parse_bogus_from(from);
    return;
  }
  if (!email_.empty() && f.find('@', at_sign + 1) != npos) return;
  // The address is the word around '@', possibly in <>.
  size_t a = at_sign;
  while (a > 0) {
    const char c = f[a - 1];
    if (gspace(c)) break;
    if (c == '<') {
      f[a - 1] = ' ';
      break;
    }
    --a;
  }
  size_t el = f.find_first_of(std::string_view(" \n\t\r\v\f>"), a);
  el = (el == npos ? f.size() : el) - a;
  email_ = f.substr(a, el);
  f.erase(a, el + (a + el < f.size() ? 1 : 0));
  // The rest is the name: "John Doe" from "John Doe <a@b>", or "(John
  // Doe)" from "a@b (John Doe)", whose parentheses go.
  cleanup_space(f);
  trim(f);
  if (!f.empty() && f.front() == '(' && f.back() == ')') {
    f.erase(0, 1);
    f.pop_back();
  }
  get_sane_name(name_, f, email_);
}

void Mailinfo::cleanup_subject(std::string& s) const {
  // Drops leading "Re:", spaces, colons and [...] groups (with -b only the
  // groups that say PATCH), up to the first other character.
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == 'r' || c == 'R') {
      if (s.size() > i + 3 && (s[i + 1] == 'e' || s[i + 1] == 'E') && s[i + 2] == ':') {
        s.erase(i, 3);
        continue;
      }
      break;
    }
    if (c == ' ' || c == '\t' || c == ':') {
      s.erase(i, 1);
      continue;
    }
    if (c != '[') break;
    const size_t close = cstr(s).find(']', i);
    if (close == npos) break;
    const size_t remove = close - i + 1;
    if (!o_.keep_non_patch_brackets || (remove >= 7 && s.substr(i, remove).find("PATCH") != npos)) {
      s.erase(i, remove);
    } else {
      i += remove;
      if (gspace(at(s, i))) ++i;  // keep one space after a kept group
    }
  }
  trim(s);
}

void Mailinfo::handle_info() {
  for (size_t i = 0; i < kHeaderCount; ++i) {
    // In-body headers count only for a mail that carries a patch.
    std::string* hdr = nullptr;
    if (patch_lines_ && s_hdr_[i]) hdr = &*s_hdr_[i];
    else if (p_hdr_[i]) hdr = &*p_hdr_[i];
    else continue;
    if (hdr->find('\0') != npos) error("a NUL byte in '" + std::string(kHeaderNames[i]) + "' is not allowed.");
    if (i == kSubject) {
      if (!o_.keep_subject) {
        cleanup_subject(*hdr);
        cleanup_space(*hdr);
      }
      // One "Subject:" line per line of the value (only -k can leave more).
      std::string_view rest = cstr(*hdr);
      for (;;) {
        size_t nl = rest.find('\n');
        info_ += "Subject: ";
        info_ += rest.substr(0, nl);
        info_ += '\n';
        if (nl == npos) break;
        rest.remove_prefix(nl + 1);
      }
    } else if (i == kFrom) {
      cleanup_space(*hdr);
      handle_from(*hdr);
      info_ += "Author: " + std::string(cstr(name_)) + "\n";
      info_ += "Email: " + std::string(cstr(email_)) + "\n";
    } else {
      cleanup_space(*hdr);
      info_ += std::string(kHeaderNames[i]) + ": " + std::string(cstr(*hdr)) + "\n";
    }
  }
  info_ += '\n';
}

MailinfoResult Mailinfo::run() {
  MailinfoResult r;
  in_.skip_space();
  if (in_.eof()) {
    r.empty = true;
    r.ok = false;
    return r;
  }
  std::string line;
  while (read_one_header_line(line)) check_header(line, p_hdr_, true);
  handle_body(line);
  handle_info();
  r.info = std::move(info_);
  r.msg = std::move(log_);
  r.patch = std::move(patch_);
  r.diagnostics = std::move(diags_);
  r.ok = !input_error_;
  return r;
}

}  // namespace

std::optional<QuotedCr> parse_quoted_cr(std::string_view action) {
  if (action == "nowarn") return QuotedCr::nowarn;
  if (action == "warn") return QuotedCr::warn;
  if (action == "strip") return QuotedCr::strip;
  return std::nullopt;
}

MailinfoResult mailinfo(std::string_view raw, const MailinfoOptions& opts) {
  return Mailinfo(raw, opts).run();
}

}  // namespace seam::mail
