#include "mail/parse/parse.hpp"

#include <cctype>

#include "git/hash.hpp"
#include "mail/parse/body.hpp"
#include "mail/parse/bodyfacts.hpp"
#include "mail/parse/date.hpp"
#include "mail/parse/gmime.hpp"
#include "mail/parse/subject.hpp"

namespace seam::mail {

void make_valid_utf8(std::string& s) {
  if (g_utf8_validate(s.data(), static_cast<gssize>(s.size()), nullptr)) return;
  gchar* fixed = g_utf8_make_valid(s.data(), static_cast<gssize>(s.size()));
  s = fixed;
  g_free(fixed);
}

static std::string utf8(const char* p) {
  std::string s = p ? p : "";
  make_valid_utf8(s);
  return s;
}

// Raw 8-bit header text (no RFC 2047): UTF-8 when valid, else windows-1252,
// as decode_header_text() reads Subject and GMime reads From.
static void header_bytes_to_utf8(std::string& s) {
  if (g_utf8_validate(s.data(), static_cast<gssize>(s.size()), nullptr)) return;
  s = to_utf8(s, "");
}

static std::string trim(std::string_view s) {
  const char* ws = " \t\r\n";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(ws);
  return std::string(s.substr(b, e - b + 1));
}

static void add_addresses(InternetAddressList* list, std::vector<core::Address>& out) {
  if (!list) return;
  const int n = internet_address_list_length(list);
  for (int i = 0; i < n; ++i) {
    InternetAddress* ia = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_GROUP(ia)) {
      add_addresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), out);
      continue;
    }
    core::Address a;
    a.name = utf8(internet_address_get_name(ia));
    if (INTERNET_ADDRESS_IS_MAILBOX(ia))
      a.email = utf8(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)));
    out.push_back(std::move(a));
  }
}

// GMime's References parser stops at the first character between ids that
// cannot be part of a phrase: the ',' some mail clients put between ids, but
// also ';', ':', '.', '@' ... Blanks those (outside ids, comments and quoted
// strings), in place, so that every <id> is kept, as git and public-inbox do.
static void blank_separators(std::string& v) {
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (c == '<') {  // an id: left as written
      const size_t gt = v.find('>', i + 1);
      if (gt == std::string::npos) return;
      i = gt;
    } else if (c == '(' || c == '"') {  // a comment (nested) or a quoted string
      int depth = 0;
      for (; i < v.size(); ++i) {
        if (v[i] == '\\') ++i;
        else if (c == '"' && v[i] == '"' && depth++ > 0) break;
        else if (c == '(' && v[i] == '(') ++depth;
        else if (c == '(' && v[i] == ')' && --depth == 0) break;
      }
    } else if (c == ',' || c == ';' || c == ':' || c == '.' || c == '@' || c == '[' || c == ']' || c == '\\' ||
               c == '>' || c == ')' || (static_cast<unsigned char>(c) < 0x20 && c != '\t')) {
      v[i] = ' ';
    }
  }
}

static std::vector<std::string> parse_refs(std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  blank_separators(text);
  GMimeReferences* refs = g_mime_references_parse(parser_options(), text.c_str());
  if (!refs) return out;
  const int n = g_mime_references_length(refs);
  for (int i = 0; i < n; ++i) {
    std::string r = utf8(g_mime_references_get_message_id(refs, i));
    if (!r.empty()) out.push_back(std::move(r));
  }
  g_mime_references_free(refs);
  return out;
}

// The raw value of each header seam stores. Header names are matched without
// regard to case; the first occurrence wins, as mail user agents do.
struct RawHeaders {
  std::string from, date, subject, message_id, in_reply_to, references, list_id, to, cc;
  std::string content_type, transfer_encoding;
  size_t count = 0;
  size_t body_offset = 0;  // where the body starts in the raw message
};

// Splits the header block (up to the first empty line) into fields and
// unfolds the ones seam needs. Archives carry dozens of Received, DKIM and ARC
// headers per message; handing only the needed fields to GMime's decoders
// keeps ingest of a 30,000-message epoch within a few seconds.
static RawHeaders split_headers(std::string_view raw) {
  RawHeaders h;
  h.body_offset = raw.size();
  std::string* current = nullptr;
  size_t i = 0;
  while (i < raw.size()) {
    size_t nl = raw.find('\n', i);
    size_t end = nl == std::string_view::npos ? raw.size() : nl;
    std::string_view line = raw.substr(i, end - i);
    i = nl == std::string_view::npos ? raw.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {  // end of the header block
      h.body_offset = i;
      break;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      // Folded continuation: unfold, showing the fold as one space as mail
      // user agents do.
      if (current) {
        size_t text = line.find_first_not_of(" \t");
        if (text != std::string_view::npos) current->append(" ").append(line.substr(text));
      }
      continue;
    }
    size_t colon = line.find(':');
    current = nullptr;
    if (colon == std::string_view::npos || colon == 0) continue;  // not a field
    std::string_view name = line.substr(0, colon);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    ++h.count;
    std::string* slot = nullptr;
    auto is = [&](const char* n) { return g_ascii_strncasecmp(name.data(), n, name.size()) == 0 && n[name.size()] == 0; };
    switch (name.size()) {
      case 2: if (is("To")) slot = &h.to; else if (is("Cc")) slot = &h.cc; break;
      case 4: if (is("From")) slot = &h.from; else if (is("Date")) slot = &h.date; break;
      case 7: if (is("Subject")) slot = &h.subject; else if (is("List-Id")) slot = &h.list_id; break;
      case 10: if (is("Message-ID")) slot = &h.message_id; else if (is("References")) slot = &h.references; break;
      case 11: if (is("In-Reply-To")) slot = &h.in_reply_to; break;
      case 12: if (is("Content-Type")) slot = &h.content_type; break;
      case 25: if (is("Content-Transfer-Encoding")) slot = &h.transfer_encoding; break;
      default: break;
    }
    if (!slot) continue;
    std::string_view value = line.substr(colon + 1);
    if (!slot->empty()) {
      // Repeated address headers add up (some MUAs write one Cc per line);
      // for every other field the first occurrence wins.
      if (slot != &h.to && slot != &h.cc) continue;
      slot->append(",");
    }
    slot->append(value.empty() ? std::string_view(" ") : value);
    current = slot;
  }
  return h;
}

// RFC 2047 through mail/body.hpp: GMime 3.2's own header decoder drops text
// after a padded base64 word, which git send-email produces for long
// non-ASCII subjects.
static std::string decode_text(const std::string& raw) { return trim(decode_header_text(raw)); }

static void parse_addresses(const std::string& raw, std::vector<core::Address>& out) {
  if (raw.empty()) return;
  GPtr<InternetAddressList> list(internet_address_list_parse(parser_options(), raw.c_str()));
  add_addresses(list.get(), out);
}

static std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// True when the body can be used as it is: one text part, no transfer
// encoding, a charset that is UTF-8 or a subset of it. Most list mail is.
static bool plain_body(const RawHeaders& h) {
  std::string ct = lower(h.content_type);
  std::string cte = lower(trim(h.transfer_encoding));
  if (!cte.empty() && cte != "7bit" && cte != "8bit" && cte != "binary") return false;
  if (ct.empty()) return true;
  if (ct.find("text/plain") == std::string::npos) return false;
  auto cs = ct.find("charset");
  if (cs == std::string::npos) return true;
  for (const char* ok : {"utf-8", "utf8", "us-ascii", "\"ascii"}) 
    if (ct.find(ok, cs) != std::string::npos) return true;
  return false;
}

// The body as UTF-8 text: its text/plain parts and patch attachments, in
// order, decoded by GMime (transfer encodings, charsets).
//
// Returns a view of `raw` when the body can be used as it is (most list
// mail), else a view of `storage`, which then holds the decoded text.
static std::string_view decode_body(std::string_view raw, const RawHeaders& h, std::string& storage) {
  if (plain_body(h)) {
    std::string_view body = raw.substr(h.body_offset);
    if (g_utf8_validate(body.data(), static_cast<gssize>(body.size()), nullptr)) return body;
    storage = to_utf8(body, "");  // undeclared 8-bit: windows-1252, as mail agents read it
    return storage;
  }
  // GMime needs only the MIME headers to decode the body; the dozens of
  // Received, DKIM and ARC headers of archived mail would triple its work.
  std::string mime = "MIME-Version: 1.0\n";
  if (!h.content_type.empty()) mime += "Content-Type:" + h.content_type + "\n";
  if (!h.transfer_encoding.empty()) mime += "Content-Transfer-Encoding:" + h.transfer_encoding + "\n";
  mime += "\n";
  mime.append(raw.substr(h.body_offset));
  storage = decode_message_body(mime).joined();
  return storage;
}

std::vector<core::Address> parse_address_list(std::string_view raw) {
  ensure_gmime();
  std::vector<core::Address> out;
  parse_addresses(std::string(raw), out);
  return out;
}

std::string body_text(std::string_view raw) {
  ensure_gmime();
  std::string storage;
  return std::string(decode_body(raw, split_headers(raw), storage));
}

ParseResult parse_message(std::string_view raw) {
  ParseResult r;
  ensure_gmime();
  RawHeaders h = split_headers(raw);
  if (h.count == 0) {
    r.error = "not a mail message: no header";
    return r;
  }
  if (h.from.empty() && h.date.empty() && h.subject.empty() && h.message_id.empty()) {
    r.error = "not a mail message: none of From, Date, Subject, Message-ID";
    return r;
  }

  // A NUL byte would cut the value short in every C string API below (GMime,
  // glib). In the headers that identify and thread a message, two messages
  // whose ids differ only after it would become one, the second dropped as a
  // duplicate: refused, by name. In the others it is kept as U+FFFD, so that
  // nothing after it is lost.
  const std::pair<const char*, const std::string*> ids[] = {
      {"Message-ID", &h.message_id}, {"In-Reply-To", &h.in_reply_to}, {"References", &h.references}};
  for (const auto& [name, value] : ids) {
    if (value->find('\0') != std::string::npos) {
      r.error = std::string("refused: the ") + name + " header holds a NUL byte";
      return r;
    }
  }
  for (std::string* v : {&h.from, &h.subject, &h.date, &h.to, &h.cc, &h.list_id, &h.content_type,
                         &h.transfer_encoding}) {
    for (size_t at = v->find('\0'); at != std::string::npos; at = v->find('\0', at + 3))
      v->replace(at, 1, "\xEF\xBF\xBD");
  }

  core::Message m;
  m.size = raw.size();
  if (!h.message_id.empty()) {
    gchar* id = g_mime_utils_decode_message_id(h.message_id.c_str());
    if (id && *id) {
      m.msgid = utf8(id);
    } else {
      // Unparseable but present: keep what the sender wrote, minus brackets.
      std::string t = trim(h.message_id);
      if (t.size() > 1 && t.front() == '<' && t.back() == '>') t = t.substr(1, t.size() - 2);
      m.msgid = utf8(trim(t).c_str());
    }
    g_free(id);
  }
  if (m.msgid.empty()) {
    m.msgid = git::hash_bytes(raw) + "@seam.synthetic";
    m.synthetic_id = true;
  }
  m.subject = decode_text(h.subject);
  std::vector<core::Address> from;
  parse_addresses(h.from, from);
  if (!from.empty()) m.from = std::move(from.front());
  else if (!h.from.empty()) m.from.name = decode_text(h.from);
  m.to_raw = trim(h.to);
  m.cc_raw = trim(h.cc);
  header_bytes_to_utf8(m.to_raw);
  header_bytes_to_utf8(m.cc_raw);

  if (!h.date.empty()) {
    m.date_raw = trim(h.date);
    header_bytes_to_utf8(m.date_raw);
    decode_date(h.date, m);
  }
  auto irt = parse_refs(h.in_reply_to);
  if (!irt.empty()) m.in_reply_to = irt.front();
  m.references = parse_refs(h.references);
  if (!h.list_id.empty()) {
    std::string t = decode_text(h.list_id);
    auto lt = t.rfind('<');
    auto gt = t.rfind('>');
    m.list_id = (lt != std::string::npos && gt != std::string::npos && gt > lt)
                    ? t.substr(lt + 1, gt - lt - 1)
                    : trim(t);
  }
  Subject subj = parse_subject(m.subject);
  auto& f = m.facts;
  f.reply = subj.reply || subj.forward;
  f.has_patch_tag = subj.has_patch_tag;
  f.pull = subj.pull;
  f.rfc = subj.rfc;
  f.resend = subj.resend;
  f.version = subj.version;
  f.index = subj.index;
  f.total = subj.total;
  f.title = std::move(subj.title);
  f.norm_title = normalize_title(f.title);
  std::string storage;
  scan_body(decode_body(raw, h, storage), m.from.email, f);
  r.message = std::move(m);
  return r;
}

}  // namespace seam::mail
