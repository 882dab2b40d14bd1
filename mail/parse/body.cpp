#include "mail/parse/body.hpp"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "mail/parse/gmime.hpp"
#include "mail/parse/parse.hpp"

namespace seam::mail {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// Hostile mail can nest multiparts thousands deep; real mail stays under ten.
constexpr int kMaxDepth = 64;

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = ascii_lower(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

bool iends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

bool is_wsp(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// iconv descriptors from g_mime_iconv_open, closed by their owner.
struct IconvClose {
  void operator()(void* cd) const { g_mime_iconv_close(static_cast<iconv_t>(cd)); }
};
using IconvPtr = std::unique_ptr<void, IconvClose>;

IconvPtr open_iconv(std::string_view to, std::string_view from) {
  ensure_gmime();  // GMime's charset alias table is set up by g_mime_init
  std::string t(to), f(from);
  iconv_t cd = g_mime_iconv_open(t.c_str(), f.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return nullptr;
  return IconvPtr(cd);
}

// Runs `cd` over `in`, appending to `out`. Strict mode fails on the first
// byte that is invalid (or cut short) in the source charset; otherwise that
// byte becomes U+FFFD (the target must then be UTF-8) and *replaced is set.
bool run_iconv(void* cd_, std::string_view in, std::string& out, bool strict, bool* replaced) {
  auto cd = static_cast<iconv_t>(cd_);
  char* inp = const_cast<char*>(in.data());  // iconv's signature; it does not write
  size_t inleft = in.size();
  char tmp[4096];
  while (inleft > 0) {
    char* outp = tmp;
    size_t outleft = sizeof tmp;
    size_t r = iconv(cd, &inp, &inleft, &outp, &outleft);
    const int err = errno;
    out.append(tmp, static_cast<size_t>(outp - tmp));
    if (r != static_cast<size_t>(-1) || err == E2BIG) continue;
    if (err != EILSEQ && err != EINVAL) return false;
    if (strict) return false;
    out.append(kReplacement);
    if (replaced) *replaced = true;
    if (err == EINVAL) break;  // an incomplete sequence at the end of the input
    ++inp;
    --inleft;
    // A stateful decoder (ISO-2022-*) may be left mid-sequence; start over.
    iconv(cd, nullptr, nullptr, nullptr, nullptr);
  }
  // Flush any shift state (returns to the initial state of the target).
  char* outp = tmp;
  size_t outleft = sizeof tmp;
  iconv(cd, nullptr, nullptr, &outp, &outleft);
  out.append(tmp, static_cast<size_t>(outp - tmp));
  return true;
}

bool is_utf8_name(std::string_view cs) {
  // Only the two spellings git and mail user agents treat as UTF-8.
  return iequals(cs, "utf-8") || iequals(cs, "utf8");
}

// Labels that do not name a charset: the bytes are whatever the sender's
// machine used, so they are decoded like undeclared text.
bool is_undeclared_name(std::string_view cs) {
  for (std::string_view n : {"", "us-ascii", "ascii", "us_ascii", "ansi_x3.4-1968", "unknown-8bit",
                             "x-unknown", "x-user-defined", "unknown"})
    if (iequals(cs, n)) return true;
  return false;
}

std::string undeclared_to_utf8(std::string_view bytes, bool* lossy) {
  std::string s(bytes);
  if (g_utf8_validate(s.data(), static_cast<gssize>(s.size()), nullptr)) return s;
  // The Western default of mail user agents, as in parser_options().
  if (auto cd = open_iconv("UTF-8", "windows-1252")) {
    std::string out;
    bool replaced = false;
    if (run_iconv(cd.get(), bytes, out, false, &replaced)) {
      if (replaced && lossy) *lossy = true;
      return out;
    }
  }
  make_valid_utf8(s);
  if (lossy) *lossy = true;
  return s;
}

// ---- the MIME tree walk ----------------------------------------------

bool is_patch_type(std::string_view type) {
  return type == "text/x-patch" || type == "text/x-diff" || type == "application/x-patch" ||
         type == "application/x-diff";
}

bool is_patch_filename(std::string_view name) { return iends_with(name, ".patch") || iends_with(name, ".diff"); }

std::string crlf_to_lf(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    out += s[i];
  }
  return out;
}

// True when base64 text has characters outside the alphabet or ends in an
// incomplete quantum: GMime decodes it anyway (skipping the junk), and the
// caller flags the result as a best effort.
bool base64_damaged(std::string_view encoded) {
  size_t quantum = 0;
  for (unsigned char c : encoded) {
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (alpha || c == '+' || c == '/' || c == '=') {
      ++quantum;
    } else if (!is_wsp(static_cast<char>(c))) {
      return true;
    }
  }
  return quantum % 4 != 0;
}

std::string stream_bytes(GMimeStream* s) {
  GPtr<GMimeStream> mem(g_mime_stream_mem_new());
  g_mime_stream_reset(s);
  g_mime_stream_write_to_stream(s, mem.get());
  GByteArray* arr = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.get()));
  return arr ? std::string(reinterpret_cast<const char*>(arr->data), arr->len) : std::string();
}

std::string mime_type_of(GMimeObject* obj) {
  GMimeContentType* ct = g_mime_object_get_content_type(obj);
  if (!ct) return "text/plain";
  gchar* mt = g_mime_content_type_get_mime_type(ct);
  std::string s = mt ? lower(mt) : "text/plain";
  g_free(mt);
  return s;
}

void add_leaf(GMimePart* part, MessageBody& out) {
  GMimeObject* obj = GMIME_OBJECT(part);
  BodyPart bp;
  bp.content_type = mime_type_of(obj);
  if (const char* fn = g_mime_part_get_filename(part)) bp.filename = fn;
  make_valid_utf8(bp.filename);
  const char* disp = g_mime_object_get_disposition(obj);
  bp.attachment = disp && g_ascii_strcasecmp(disp, "attachment") == 0;

  if (is_patch_type(bp.content_type) || is_patch_filename(bp.filename)) bp.kind = PartKind::patch;
  else if (bp.content_type == "text/plain") bp.kind = PartKind::text;
  else if (bp.content_type == "text/html") bp.kind = PartKind::html;
  else return;  // images, signatures, archives: nothing to read as text

  if (const char* cs = g_mime_object_get_content_type_parameter(obj, "charset")) bp.charset = cs;
  make_valid_utf8(bp.charset);  // header junk must not leak into UTF-8 strings
  make_valid_utf8(bp.content_type);

  std::string bytes;
  if (GMimeDataWrapper* content = g_mime_part_get_content(part)) {
    GPtr<GMimeStream> mem(g_mime_stream_mem_new());
    g_mime_data_wrapper_write_to_stream(content, mem.get());  // undoes the transfer encoding
    GByteArray* arr = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.get()));
    if (arr) bytes.assign(reinterpret_cast<const char*>(arr->data), arr->len);
    if (g_mime_part_get_content_encoding(part) == GMIME_CONTENT_ENCODING_BASE64) {
      GMimeStream* encoded = g_mime_data_wrapper_get_stream(content);  // owned by `content`
      if (encoded && base64_damaged(stream_bytes(encoded))) {
        bp.lossy = true;
        out.problems.push_back("a " + bp.content_type + " part has damaged base64; decoded what was readable");
      }
    } else {
      bytes = crlf_to_lf(bytes);
    }
  }
  bool lossy = false;
  bp.text = to_utf8(bytes, bp.charset, &lossy);
  if (lossy) {
    bp.lossy = true;
    out.problems.push_back("a " + bp.content_type + " part is not valid in its charset '" + bp.charset +
                           "'; undecodable bytes became U+FFFD");
  }
  out.parts.push_back(std::move(bp));
}

void walk(GMimeObject* obj, MessageBody& out, int depth) {
  if (depth > kMaxDepth) {
    out.problems.push_back("MIME parts nested too deep; the innermost were skipped");
    return;
  }
  if (GMIME_IS_MULTIPART_ENCRYPTED(obj)) {
    out.problems.push_back("an encrypted part was skipped");
    return;
  }
  if (GMIME_IS_MULTIPART(obj)) {
    GMimeMultipart* mp = GMIME_MULTIPART(obj);
    const int n = g_mime_multipart_get_count(mp);
    if (n == 0) {
      // GMime found no boundary line (the parameter is missing, or names a
      // string that never occurs) and kept everything as the prologue. The
      // patch is usually in there, so keep it rather than lose the mail.
      std::string type = mime_type_of(obj);
      out.problems.push_back("a " + type + " part has no parts (missing or wrong boundary); kept its content as text");
      const char* prologue = g_mime_multipart_get_prologue(mp);
      if (prologue && *prologue) {
        BodyPart bp;
        bp.content_type = "text/plain";
        bp.lossy = true;
        bp.text = to_utf8(crlf_to_lf(prologue), "", nullptr);
        out.parts.push_back(std::move(bp));
      }
      return;
    }
    for (int i = 0; i < n; ++i) walk(g_mime_multipart_get_part(mp, i), out, depth + 1);
    return;
  }
  if (GMIME_IS_MESSAGE_PART(obj)) return;  // a forwarded message is somebody else's mail
  if (GMIME_IS_PART(obj)) add_leaf(GMIME_PART(obj), out);
}

}  // namespace

// ---- MessageBody -----------------------------------------------------------

bool MessageBody::html_only() const {
  return std::any_of(parts.begin(), parts.end(), [](const BodyPart& p) { return p.kind == PartKind::html; });
}

std::string MessageBody::joined() const {
  std::string out;
  for (const auto& p : parts) {
    if (p.text.empty()) continue;
    out += p.text;
    if (out.back() != '\n') out += '\n';
  }
  return out;
}

MessageBody decode_message_body(std::string_view raw) {
  MessageBody body;
  ensure_gmime();
  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  GPtr<GMimeMessage> msg(g_mime_parser_construct_message(parser.get(), parser_options()));
  GMimeObject* top = msg ? g_mime_message_get_mime_part(msg.get()) : nullptr;
  if (!top) {
    if (!raw.empty()) body.problems.push_back("not a MIME message; no body found");
    return body;
  }
  walk(top, body, 0);
  // HTML is only the fallback: when the sender also wrote text/plain (the
  // usual multipart/alternative), the plain part is what reviewers quote.
  const bool has_inline_text = std::any_of(body.parts.begin(), body.parts.end(), [](const BodyPart& p) {
    return p.kind == PartKind::text && !p.attachment;
  });
  if (has_inline_text)
    std::erase_if(body.parts, [](const BodyPart& p) { return p.kind == PartKind::html; });
  return body;
}

// ---- header text -----------------------------------------------------------

namespace {

struct Segment {
  bool encoded = false;
  std::string charset;  // encoded words only, without an RFC 2231 "*lang" suffix
  std::string bytes;    // decoded bytes of an encoded word, or the literal text
};

// Parses the encoded word that starts at value[pos] ("=?"). Returns false,
// leaving `end` alone, when it is not a well-formed one.
bool parse_encoded_word(std::string_view value, size_t pos, Segment& seg, size_t& end) {
  size_t cs_end = value.find('?', pos + 2);
  if (cs_end == std::string_view::npos || cs_end == pos + 2) return false;
  if (cs_end + 2 >= value.size() || value[cs_end + 2] != '?') return false;
  const char enc = ascii_lower(value[cs_end + 1]);
  if (enc != 'b' && enc != 'q') return false;
  size_t payload = cs_end + 3;
  size_t close = value.find("?=", payload);
  if (close == std::string_view::npos) return false;
  std::string_view charset = value.substr(pos + 2, cs_end - pos - 2);
  if (std::any_of(charset.begin(), charset.end(), is_wsp)) return false;
  charset = charset.substr(0, charset.find('*'));
  std::string_view data = value.substr(payload, close - payload);
  seg.encoded = true;
  seg.charset = std::string(charset);
  seg.bytes = enc == 'b' ? decode_transfer(data, TransferEncoding::base64) : decode_q_word(data);
  end = close + 2;
  return true;
}

}  // namespace

// GMime's g_mime_utils_header_decode_text() would be the obvious call, but
// in 3.2.13 it decodes a run of same-charset base64 words as one stream and
// loses everything after the first padded word: the folded subjects
// git-send-email writes ("=?utf-8?b?...0LA=?= =?utf-8?b?...?=") come out
// cut short. So the words are found here and each is decoded on its own by
// GMime's base64/QP decoders; only the bytes are joined before conversion.
std::string encode_header_words(std::string_view v) {
  std::string out;
  size_t i = 0;
  while (i < v.size()) {
    size_t end = std::min(v.size(), i + 45);
    while (end < v.size() && end > i + 1 && (static_cast<unsigned char>(v[end]) & 0xC0) == 0x80) --end;
    gchar* b64 = g_base64_encode(reinterpret_cast<const guchar*>(v.data() + i), end - i);
    if (!out.empty()) out += "\n ";
    out += std::string("=?UTF-8?B?") + b64 + "?=";
    g_free(b64);
    i = end;
  }
  return out;
}

std::string decode_header_text(std::string_view value) {
  // Unfold: a fold is a line break before whitespace; the break goes.
  std::string unfolded;
  unfolded.reserve(value.size());
  for (char c : value)
    if (c != '\r' && c != '\n') unfolded += c;

  std::vector<Segment> segs;
  std::string_view v = unfolded;
  size_t lit_start = 0, pos = 0;
  while ((pos = v.find("=?", pos)) != std::string_view::npos) {
    Segment word;
    size_t end = 0;
    if (!parse_encoded_word(v, pos, word, end)) {
      pos += 2;  // not an encoded word: stays part of the literal text
      continue;
    }
    if (pos > lit_start) segs.push_back({false, {}, std::string(v.substr(lit_start, pos - lit_start))});
    segs.push_back(std::move(word));
    pos = lit_start = end;
  }
  if (lit_start < v.size()) segs.push_back({false, {}, std::string(v.substr(lit_start))});

  std::string out;
  std::string run, run_charset;  // consecutive encoded words in one charset
  auto flush_run = [&] {
    if (run_charset.empty() && run.empty()) return;
    out += to_utf8(run, run_charset);
    run.clear();
    run_charset.clear();
  };
  for (size_t i = 0; i < segs.size(); ++i) {
    const Segment& s = segs[i];
    if (!s.encoded) {
      const bool between_words = i > 0 && segs[i - 1].encoded && i + 1 < segs.size() && segs[i + 1].encoded;
      if (between_words && trim(s.bytes).empty()) continue;  // RFC 2047 6.2: that space is not text
      flush_run();
      out += to_utf8(s.bytes, "");
      continue;
    }
    if (!run_charset.empty() && !iequals(run_charset, s.charset)) flush_run();
    run_charset = s.charset.empty() ? std::string("us-ascii") : s.charset;
    run += s.bytes;
  }
  flush_run();
  return out;
}

// ---- lower-level helpers ---------------------------------------------------

TransferEncoding parse_transfer_encoding(std::string_view value) {
  std::string_view v = trim(value);
  if (iequals(v, "base64")) return TransferEncoding::base64;
  if (iequals(v, "quoted-printable")) return TransferEncoding::quoted_printable;
  return TransferEncoding::identity;
}

std::string decode_transfer(std::string_view data, TransferEncoding enc) {
  if (enc == TransferEncoding::identity) return std::string(data);
  ensure_gmime();
  GMimeEncoding state;
  g_mime_encoding_init_decode(&state, enc == TransferEncoding::base64 ? GMIME_CONTENT_ENCODING_BASE64
                                                                      : GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
  std::string out(g_mime_encoding_outlen(&state, data.size()), '\0');
  size_t n = g_mime_encoding_step(&state, data.data(), data.size(), out.data());
  out.resize(n);
  return out;
}

std::string decode_q_word(std::string_view payload) {
  // In a Q word '_' is always a space (a literal underscore is sent as =5F),
  // so after that one substitution it is quoted-printable.
  std::string qp(payload);
  std::replace(qp.begin(), qp.end(), '_', ' ');
  return decode_transfer(qp, TransferEncoding::quoted_printable);
}

bool same_charset(std::string_view a, std::string_view b) {
  return (is_utf8_name(a) && is_utf8_name(b)) || iequals(a, b);
}

std::optional<std::string> convert_charset(std::string_view bytes, std::string_view from, std::string_view to) {
  auto cd = open_iconv(to, from);
  if (!cd) return std::nullopt;
  std::string out;
  if (!run_iconv(cd.get(), bytes, out, true, nullptr)) return std::nullopt;
  return out;
}

std::string to_utf8(std::string_view bytes, std::string_view charset, bool* lossy) {
  std::string_view cs = trim(charset);
  if (is_undeclared_name(cs)) return undeclared_to_utf8(bytes, lossy);
  if (is_utf8_name(cs)) {
    std::string s(bytes);
    if (!g_utf8_validate(s.data(), static_cast<gssize>(s.size()), nullptr)) {
      make_valid_utf8(s);
      if (lossy) *lossy = true;
    }
    return s;
  }
  if (auto cd = open_iconv("UTF-8", cs)) {
    std::string out;
    bool replaced = false;
    if (run_iconv(cd.get(), bytes, out, false, &replaced)) {
      make_valid_utf8(out);  // guards against a converter that lets junk through
      if (replaced && lossy) *lossy = true;
      return out;
    }
  }
  // A charset iconv does not know: the bytes are still somebody's text.
  if (lossy) *lossy = true;
  return undeclared_to_utf8(bytes, nullptr);
}

}  // namespace seam::mail
