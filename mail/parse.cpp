#include "mail/parse.hpp"

#include "git/hash.hpp"
#include "mail/gmime.hpp"

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

static std::vector<std::string> parse_refs(const char* text) {
  std::vector<std::string> out;
  if (!text) return out;
  GMimeReferences* refs = g_mime_references_parse(parser_options(), text);
  if (!refs) return out;
  const int n = g_mime_references_length(refs);
  for (int i = 0; i < n; ++i) {
    std::string r = utf8(g_mime_references_get_message_id(refs, i));
    if (!r.empty()) out.push_back(std::move(r));
  }
  g_mime_references_free(refs);
  return out;
}

// The first header block ends at the first empty line; the rest is body.
static size_t header_end(std::string_view raw) {
  for (size_t i = 0; i < raw.size();) {
    size_t nl = raw.find('\n', i);
    if (nl == std::string_view::npos) return raw.size();
    std::string_view line = raw.substr(i, nl - i);
    if (line.empty() || line == "\r") return nl + 1;
    i = nl + 1;
  }
  return raw.size();
}

ParseResult parse_message(std::string_view raw) {
  ParseResult r;
  ensure_gmime();
  // Only the header block is needed to store a message; parsing bodies here
  // would triple the cost of ingesting an archive.
  const size_t hend = header_end(raw);
  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), hend));
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
  GPtr<GMimeMessage> msg(g_mime_parser_construct_message(parser.get(), parser_options()));
  if (!msg) {
    r.error = "not a mail message: no header could be parsed";
    return r;
  }
  GMimeObject* obj = GMIME_OBJECT(msg.get());
  GMimeHeaderList* headers = g_mime_object_get_header_list(obj);
  if (!headers || g_mime_header_list_get_count(headers) == 0) {
    r.error = "not a mail message: no header";
    return r;
  }
  const char* from_raw = g_mime_object_get_header(obj, "From");
  const char* date_raw = g_mime_object_get_header(obj, "Date");
  const char* subj_raw = g_mime_object_get_header(obj, "Subject");
  const char* mid_raw = g_mime_object_get_header(obj, "Message-ID");
  if (!from_raw && !date_raw && !subj_raw && !mid_raw) {
    r.error = "not a mail message: none of From, Date, Subject, Message-ID";
    return r;
  }

  core::Message m;
  m.size = raw.size();
  const char* mid = g_mime_message_get_message_id(msg.get());
  if (mid && *mid) {
    m.msgid = utf8(mid);
  } else if (mid_raw) {
    // Unparseable but present: keep what the sender wrote, minus brackets.
    std::string t = trim(mid_raw);
    if (t.size() > 1 && t.front() == '<' && t.back() == '>') t = t.substr(1, t.size() - 2);
    m.msgid = utf8(trim(t).c_str());
  }
  if (m.msgid.empty()) {
    m.msgid = git::hash_bytes(raw) + "@seam.synthetic";
    m.synthetic_id = true;
  }
  m.subject = utf8(g_mime_message_get_subject(msg.get()));
  std::vector<core::Address> from;
  add_addresses(g_mime_message_get_from(msg.get()), from);
  if (!from.empty()) m.from = std::move(from.front());
  else if (from_raw) m.from.name = utf8(trim(from_raw).c_str());
  add_addresses(g_mime_message_get_to(msg.get()), m.to);
  add_addresses(g_mime_message_get_cc(msg.get()), m.cc);

  if (date_raw) {
    m.date_raw = utf8(trim(date_raw).c_str());
    if (GDateTime* d = g_mime_message_get_date(msg.get())) {
      m.date = g_date_time_to_unix(d);
      m.tz_minutes = static_cast<int>(g_date_time_get_utc_offset(d) / G_TIME_SPAN_MINUTE);
      m.date_ok = true;
    }
  }
  auto irt = parse_refs(g_mime_object_get_header(obj, "In-Reply-To"));
  if (!irt.empty()) m.in_reply_to = irt.front();
  m.references = parse_refs(g_mime_object_get_header(obj, "References"));
  if (const char* lid = g_mime_object_get_header(obj, "List-Id")) {
    std::string t = utf8(lid);
    auto lt = t.rfind('<');
    auto gt = t.rfind('>');
    m.list_id = (lt != std::string::npos && gt != std::string::npos && gt > lt)
                    ? t.substr(lt + 1, gt - lt - 1)
                    : trim(t);
  }
  r.message = std::move(m);
  return r;
}

}  // namespace seam::mail
