#include "mail/sources/lore.hpp"

#include <curl/curl.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

#include "git/config.hpp"
#include "mail/sources/mbox.hpp"

#ifndef SEAM_VERSION
#define SEAM_VERSION "0.1.0"
#endif

namespace seam::mail {

namespace {

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlPtr = std::unique_ptr<CURL, CurlFree>;
using SlistPtr = std::unique_ptr<curl_slist, SlistFree>;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// RFC 3986 unreserved characters and the sub-delims public-inbox leaves
// unescaped in Message-IDs (PublicInbox::MID::mid_escape).
bool mid_safe(unsigned char c) {
  return std::isalnum(c) || std::string_view("-._~!$&'()*+,;=:@").find(static_cast<char>(c)) != std::string_view::npos;
}

std::string percent(std::string_view s, bool (*safe)(unsigned char)) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (safe(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

bool query_safe(unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

std::string unpercent(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// Inflates a gzip body held in memory (all members), refusing more than
// `cap` bytes. Returns "" in `error` on success.
std::string inflate_body(std::string_view in, uint64_t cap, std::string& error) {
  std::string out;
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) {
    error = "cannot start zlib";
    return out;
  }
  struct End {
    z_stream* z;
    ~End() { inflateEnd(z); }
  } end{&zs};
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  char buf[64 * 1024];
  for (;;) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    int rc = inflate(&zs, Z_NO_FLUSH);
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      error = "truncated gzip data";
      return {};
    }
    if (rc != Z_OK && rc != Z_STREAM_END) {
      error = std::string("corrupt gzip data (") + (zs.msg ? zs.msg : "zlib error " + std::to_string(rc)) + ")";
      return {};
    }
    out.append(buf, sizeof buf - zs.avail_out);
    if (out.size() > cap) {
      error = "the mbox inflates past --max-inflate (" + std::to_string(cap >> 20) + " MiB)";
      return {};
    }
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      inflateReset(&zs);  // another gzip member follows
      continue;
    }
    if (zs.avail_in == 0 && zs.avail_out != 0) {
      error = "truncated gzip data";
      return {};
    }
  }
  return out;
}

struct Transfer {
  std::string body;
  uint64_t cap = 0;
  bool too_big = false;
  const LoreOptions* opts = nullptr;
  const std::string* url = nullptr;
};

size_t on_data(char* p, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  if (t->body.size() + size * n > t->cap) {
    t->too_big = true;
    return 0;  // aborts the transfer
  }
  t->body.append(p, size * n);
  return size * n;
}

int on_progress(void* user, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->opts->progress && now > 0)
    t->opts->progress(*t->url, static_cast<uint64_t>(now), static_cast<uint64_t>(total));
  return 0;
}

struct Http {
  long status = 0;       // 0 when no answer came
  std::string body;
  std::string error;     // transport failure (no answer, time-out, too big)
  bool retry = false;    // worth asking the next server
};

Http request(const LoreOptions& opts, const std::string& url, bool post) {
  global_init();
  Http h;
  CurlPtr c(curl_easy_init());
  if (!c) {
    h.error = "cannot start libcurl";
    return h;
  }
  Transfer t;
  // The compressed body is never larger than what it inflates to (plus
  // headers), so the inflate cap bounds the download too.
  t.cap = opts.max_inflate + 4096;
  t.opts = &opts;
  t.url = &url;
  const std::string agent = opts.user_agent.empty()
                                ? std::string("seam/") + SEAM_VERSION + " (libcurl/" +
                                      curl_version_info(CURLVERSION_NOW)->version + ")"
                                : opts.user_agent;
  char errbuf[CURL_ERROR_SIZE] = {0};
  SlistPtr headers(curl_slist_append(nullptr, "Accept: application/gzip, application/mbox, */*"));
  CURL* e = c.get();
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_USERAGENT, agent.c_str());
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, opts.connect_timeout_s);
  // A read time-out: less than one byte a second for that long.
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, opts.read_timeout_s);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(e, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  if (post) {
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, 0L);
  }
  CURLcode rc = curl_easy_perform(e);
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &h.status);
  if (t.too_big) {
    h.error = "the download passes --max-inflate (" + std::to_string(opts.max_inflate >> 20) + " MiB)";
    return h;
  }
  if (rc != CURLE_OK) {
    h.error = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT) h.error += " (time-out)";
    h.retry = true;  // connection refused, DNS, TLS, time-out, reset
    return h;
  }
  h.body = std::move(t.body);
  if (h.status >= 500) h.retry = true;
  return h;
}

bool is_gzip_data(std::string_view s) {
  return s.size() >= 2 && static_cast<unsigned char>(s[0]) == 0x1f && static_cast<unsigned char>(s[1]) == 0x8b;
}

// One line of what an error page says (its first line of text), for the
// error message; "" for a binary or empty body.
std::string first_line(const std::string& body) {
  std::string out;
  bool in_tag = false;
  for (char ch : body.substr(0, 2048)) {
    if (ch == '<') in_tag = true;
    else if (ch == '>') in_tag = false;
    else if (!in_tag) {
      if (ch == '\n' || ch == '\r') {
        if (out.find_first_not_of(" \t") != std::string::npos) break;
        out.clear();
      } else if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) >= 0x7f) {
        return {};
      } else {
        out += ch;
      }
    }
  }
  auto b = out.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  out = out.substr(b);
  if (out.size() > 120) out = out.substr(0, 120) + "…";
  return out;
}

// Asks each URL in turn (see LoreOptions::bases) and checks the body.
LoreResult ask(const LoreOptions& opts, const std::vector<std::string>& urls, bool post, bool empty_ok) {
  LoreResult r;
  for (size_t i = 0; i < urls.size(); ++i) {
    r.url = urls[i];
    Http h = request(opts, r.url, post);
    const bool last = i + 1 == urls.size();
    if (!h.error.empty() || h.status >= 500 || h.status < 200) {
      std::string why = !h.error.empty() ? h.error
                                         : "HTTP " + std::to_string(h.status) +
                                               (first_line(h.body).empty() ? "" : ": " + first_line(h.body));
      if (h.retry && !last) {
        r.skipped.push_back(r.url + ": " + why);
        if (opts.warn) opts.warn(r.skipped.back());
        continue;
      }
      r.error = r.url + ": " + why;
      return r;
    }
    if (h.status == 404) {
      // public-inbox: an unknown Message-ID, or "No results found" for a search.
      return r;
    }
    if (h.status != 200) {
      r.error = r.url + ": HTTP " + std::to_string(h.status) +
                (first_line(h.body).empty() ? "" : ": " + first_line(h.body));
      return r;
    }
    if (!is_gzip_data(h.body)) {
      const std::string said = first_line(h.body);
      r.error = r.url + ": the answer is not gzip-compressed mbox" + (said.empty() ? "" : " (it says: " + said + ")");
      return r;
    }
    std::string err;
    std::string mbox = inflate_body(h.body, opts.max_inflate, err);
    if (!err.empty()) {
      r.error = r.url + ": " + err;
      return r;
    }
    if (mbox.empty() && empty_ok) {
      r.found = true;
      return r;
    }
    if (!looks_like_mbox(mbox)) {
      r.error = r.url + ": the inflated answer is not an mbox (no \"From \" line at its start)";
      return r;
    }
    r.mbox = std::move(mbox);
    r.found = true;
    return r;
  }
  return r;
}

bool positive_seconds(const std::string& v, long& out) {
  if (v.empty() || v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos) return false;
  long n = std::stol(v);
  if (n <= 0) return false;
  out = n;
  return true;
}

}  // namespace

std::string read_lore_config(LoreOptions& opts) {
  auto urls = git::config_values("seam.lore-url", ".");
  if (!urls.empty() && !trim_slash(urls.back()).empty()) opts.bases = {trim_slash(urls.back())};
  for (const auto& f : git::config_values("seam.lore-fallback", "."))
    if (!trim_slash(f).empty()) opts.bases.push_back(trim_slash(f));
  for (auto [key, field] : {std::pair{"seam.lore-connect-timeout", &opts.connect_timeout_s},
                            std::pair{"seam.lore-read-timeout", &opts.read_timeout_s}}) {
    auto v = git::config_values(key, ".");
    if (!v.empty() && !positive_seconds(v.back(), *field))
      return std::string("git config ") + key + " = '" + v.back() + "': not a number of seconds";
  }
  return {};
}

std::string normalize_msgid(const std::string& text) {
  std::string s = text;
  auto trim = [](std::string& x) {
    auto b = x.find_first_not_of(" \t\r\n");
    auto e = x.find_last_not_of(" \t\r\n");
    x = b == std::string::npos ? "" : x.substr(b, e - b + 1);
  };
  trim(s);
  for (const char* prefix : {"id:", "mid:", "m:"})
    if (s.rfind(prefix, 0) == 0) s = s.substr(std::string_view(prefix).size());
  trim(s);
  if (!s.empty() && s.front() == '<') s.erase(0, 1);
  if (!s.empty() && s.back() == '>') s.pop_back();
  trim(s);
  return s;
}

bool is_url(const std::string& text) { return text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0; }

std::string thread_url(const std::string& base, const std::string& msgid) {
  // "." and ".." would be read as path steps, not as a Message-ID.
  const std::string seg = msgid == "." ? "%2E" : msgid == ".." ? "%2E%2E" : percent(msgid, mid_safe);
  return trim_slash(base) + "/" + seg + "/t.mbox.gz";
}

namespace {

// Splits a lore URL into the inbox base and the Message-ID (unescaped).
bool split_url(const std::string& url, std::string& base, std::string& msgid) {
  std::string u = url.substr(0, url.find_first_of("#?"));
  const auto scheme = u.find("://");
  if (scheme == std::string::npos) return false;
  const size_t host_end = u.find('/', scheme + 3);
  if (host_end == std::string::npos) return false;
  std::vector<std::string> parts;
  size_t pos = host_end;
  while (pos != std::string::npos) {
    size_t next = u.find('/', pos + 1);
    std::string seg = u.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
    if (!seg.empty()) parts.push_back(seg);
    pos = next;
  }
  // Views public-inbox puts after the Message-ID.
  static const std::vector<std::string> views = {"t.mbox.gz", "t.atom", "raw", "t", "T", "f", "d", "s", "2"};
  while (!parts.empty()) {
    bool view = false;
    for (const auto& v : views)
      if (parts.back() == v) view = true;
    if (!view) break;
    parts.pop_back();
  }
  if (parts.empty()) return false;
  msgid = unpercent(parts.back());
  parts.pop_back();
  if (msgid.empty() || (msgid.find('@') == std::string::npos && parts.empty())) return false;
  base = u.substr(0, host_end);
  for (const auto& p : parts) base += "/" + p;
  return true;
}

}  // namespace

std::string msgid_of_url(const std::string& url) {
  std::string base, msgid;
  return split_url(url, base, msgid) ? msgid : std::string{};
}

LoreResult fetch_thread(const LoreOptions& opts, const std::string& what) {
  std::vector<std::string> urls;
  LoreResult bad;
  bad.url = what;
  if (is_url(what)) {
    std::string base, msgid;
    if (!split_url(what, base, msgid)) {
      bad.error = what + ": no Message-ID in this URL";
      return bad;
    }
    urls.push_back(thread_url(base, msgid));
    for (size_t i = 1; i < opts.bases.size(); ++i) urls.push_back(thread_url(opts.bases[i], msgid));
  } else {
    const std::string msgid = normalize_msgid(what);
    if (msgid.empty()) {
      bad.error = "'" + what + "': not a Message-ID";
      return bad;
    }
    for (const auto& b : opts.bases) urls.push_back(thread_url(b, msgid));
  }
  return ask(opts, urls, false, false);
}

std::string search_url(const std::string& base, const std::string& query, bool threads) {
  return trim_slash(base) + "/?q=" + percent(query, query_safe) + "&x=m" + (threads ? "&t=1" : "");
}

LoreResult search(const LoreOptions& opts, const std::string& query, bool threads) {
  std::vector<std::string> urls;
  for (const auto& b : opts.bases) urls.push_back(search_url(b, query, threads));
  return ask(opts, urls, true, true);
}

std::string followed_terms(const std::string& query, std::optional<int64_t> last_run) {
  if (!last_run) return query;
  const int64_t since = std::max<int64_t>(10000, *last_run - kFollowOverlap);
  return "(" + query + ") AND rt:" + std::to_string(since) + "..";
}

namespace {

SourceReport store_result(core::Store& store, const LoreResult& r, const std::string& name, bool missing_is_error,
                          const IngestOptions& opts) {
  SourceReport rep;
  rep.source = name.empty() ? r.url : name;
  rep.kind = "lore";
  if (!r.error.empty()) {
    rep.fatal = r.error;
  } else if (!r.found) {
    if (missing_is_error) rep.fatal = r.url + ": no such message on the server (HTTP 404)";
  } else if (!r.mbox.empty()) {
    rep = ingest_buffer(store, rep.source, "lore", r.mbox, opts);
  }
  return rep;
}

}  // namespace

SourceReport fetch_thread_into(core::Store& store, const LoreOptions& lore, const std::string& what,
                               const IngestOptions& opts) {
  return store_result(store, fetch_thread(lore, what), "", true, opts);
}

SourceReport search_into(core::Store& store, const LoreOptions& lore, const std::string& query, bool threads,
                         const IngestOptions& opts) {
  return store_result(store, search(lore, query, threads), "", false, opts);
}

SourceReport run_followed(core::Store& store, const LoreOptions& lore, core::Store::SavedQuery& q, int64_t now,
                          const IngestOptions& opts) {
  LoreOptions mine = lore;
  if (!q.base.empty()) mine.bases.front() = trim_slash(q.base);  // --lore when it was saved
  // Named by the query without its date limit, so each run adds to one source.
  const std::string name = search_url(mine.bases.front(), q.query, q.threads);
  LoreResult r = search(mine, followed_terms(q.query, q.last_run), q.threads);
  SourceReport rep = store_result(store, r, name, false, opts);
  if (rep.fatal.empty()) {
    q.last_run = now;
    store.save_query(q);
  }
  return rep;
}

}  // namespace seam::mail
