#include "reports/ingest.hpp"

#include <cstdio>
#include <ctime>

#include "reports/escape.hpp"
#include "reports/terminal.hpp"

namespace seam::reports {

std::string dump(const nlohmann::json& j, int indent) {
  std::string s = j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
  // The serializer escapes C0 controls; DEL, the C1 controls (U+0080–U+009F)
  // and the bidi and line-separator controls it leaves raw. They can only be
  // inside strings (the syntax is ASCII), where \uXXXX means the same.
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;  // valid UTF-8 (see above)
    char32_t cp = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    for (size_t k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    if (cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
        (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
      out += buf;
    } else {
      out.append(s, i, len);
    }
    i += len;
  }
  return out;
}

nlohmann::json ingest_json(const std::vector<mail::SourceReport>& reports) {
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& r : reports) {
    nlohmann::json errors = nlohmann::json::array();
    for (const auto& e : r.errors) errors.push_back({{"where", e.where}, {"message", e.message}});
    nlohmann::json s = {{"source", r.source},      {"kind", r.kind},
                        {"seen", r.seen},          {"added", r.added},
                        {"duplicates", r.duplicates}, {"errors", errors}};
    if (!r.fatal.empty()) s["fatal"] = r.fatal;
    sources.push_back(std::move(s));
  }
  return {{"sources", sources}};
}

std::string ingest_text(const std::vector<mail::SourceReport>& reports, bool color,
                        size_t max_errors) {
  std::string out;
  for (const auto& r : reports) {
    if (!r.fatal.empty()) {
      out += paint("error: ", kRed, color) + printable(r.fatal) + "\n";
      continue;
    }
    out += printable(r.source) + " (" + r.kind + "): " + std::to_string(r.seen) + " read, " +
           std::to_string(r.added) + " added, " + std::to_string(r.duplicates) + " duplicate" +
           (r.duplicates == 1 ? "" : "s") + ", " +
           paint(std::to_string(r.errors.size()) + " skipped", r.errors.empty() ? kDim : kYellow, color) +
           "\n";
    for (size_t i = 0; i < r.errors.size() && i < max_errors; ++i)
      out += "  " + paint("skipped ", kYellow, color) + printable(r.errors[i].where) + ": " +
             printable(r.errors[i].message) + "\n";
    if (r.errors.size() > max_errors)
      out += "  … and " + std::to_string(r.errors.size() - max_errors) + " more (see --json)\n";
  }
  return out;
}

std::string iso8601(int64_t unix_seconds, int tz_minutes) {
  std::time_t t = static_cast<std::time_t>(unix_seconds + int64_t{tz_minutes} * 60);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string s = buf;
  if (tz_minutes == 0) return s + "Z";
  const int a = tz_minutes < 0 ? -tz_minutes : tz_minutes;
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", tz_minutes < 0 ? '-' : '+', a / 60, a % 60);
  return s + buf;
}

std::string messages_text(const std::vector<core::Store::Listed>& msgs, bool color) {
  std::string out;
  for (const auto& l : msgs) {
    const auto& m = l.message;
    std::string date = m.date ? iso8601(*m.date, m.tz_minutes).substr(0, 10) : "(no date) ";
    // Columns by display width, not bytes: names in other scripts align.
    const std::string who = fit_width(printable(m.from.name.empty() ? m.from.email : m.from.name), 24);
    out += paint(date, kDim, color) + "  " + who + "  " + printable(m.subject) + "\n";
  }
  return out;
}

nlohmann::json messages_json(const std::vector<core::Store::Listed>& msgs) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& l : msgs) {
    const auto& m = l.message;
    nlohmann::json to = nlohmann::json::array(), cc = nlohmann::json::array();
    for (const auto& a : m.to) to.push_back(core::format_address(a));
    for (const auto& a : m.cc) cc.push_back(core::format_address(a));
    arr.push_back({{"msgid", m.msgid},
                   {"synthetic_id", m.synthetic_id},
                   {"subject", m.subject},
                   {"from", core::format_address(m.from)},
                   {"to", to},
                   {"cc", cc},
                   {"date", m.date ? nlohmann::json(iso8601(*m.date, m.tz_minutes)) : nlohmann::json()},
                   {"date_raw", m.date_raw},
                   {"in_reply_to", m.in_reply_to.empty() ? nlohmann::json() : nlohmann::json(m.in_reply_to)},
                   {"references", m.references},
                   {"source", l.source},
                   {"locator", m.where}});
  }
  return arr;
}

}  // namespace seam::reports
