#include "reports/ingest.hpp"

#include <ctime>

#include "reports/terminal.hpp"

namespace seam::reports {

std::string dump(const nlohmann::json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
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
      out += paint("error: ", kRed, color) + r.fatal + "\n";
      continue;
    }
    out += r.source + " (" + r.kind + "): " + std::to_string(r.seen) + " read, " +
           std::to_string(r.added) + " added, " + std::to_string(r.duplicates) + " duplicate" +
           (r.duplicates == 1 ? "" : "s") + ", " +
           paint(std::to_string(r.errors.size()) + " skipped", r.errors.empty() ? kDim : kYellow, color) +
           "\n";
    for (size_t i = 0; i < r.errors.size() && i < max_errors; ++i)
      out += "  " + paint("skipped ", kYellow, color) + r.errors[i].where + ": " + r.errors[i].message + "\n";
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
    std::string date = m.date ? iso8601(*m.date, m.tz_minutes).substr(0, 10) : "(no date)  ";
    std::string who = m.from.name.empty() ? m.from.email : m.from.name;
    if (who.size() > 24) who = who.substr(0, 23) + "…";
    who.resize(std::max<size_t>(who.size(), 24), ' ');
    out += paint(date, kDim, color) + "  " + who + "  " + m.subject + "\n";
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
