#include "reports/stats.hpp"

#include "reports/escape.hpp"
#include "reports/terminal.hpp"

namespace seam::reports {

namespace {

nlohmann::json cursor_json(const core::Source& s) {
  nlohmann::json c = nlohmann::json::object();
  if (s.kind == "public-inbox") {
    if (!s.cursor.empty()) c["commit"] = s.cursor;
  } else if (s.kind == "mbox" || s.kind == "mbox.gz") {
    c["offset"] = s.offset;
    c["size"] = s.size;
  }
  return c;
}

std::string cursor_text(const core::Source& s) {
  if (s.kind == "public-inbox") return s.cursor.empty() ? "not read" : "at " + s.cursor.substr(0, 12);
  if (s.kind == "mbox" || s.kind == "mbox.gz") return "at byte " + std::to_string(s.offset);
  return "";
}

int64_t per_message(const core::Store::Stats& s) { return s.messages > 0 ? s.store_bytes / s.messages : 0; }

}  // namespace

nlohmann::json stats_json(const core::Store::Stats& s) {
  nlohmann::json sources = nlohmann::json::array();
  for (const auto& ss : s.sources) {
    sources.push_back({{"path", ss.source.path},
                       {"kind", ss.source.kind},
                       {"list", ss.source.list.empty() ? nlohmann::json(nullptr) : nlohmann::json(ss.source.list)},
                       {"messages", ss.messages},
                       {"duplicates", ss.duplicates},
                       {"cursor", cursor_json(ss.source)}});
  }
  nlohmann::json lists = nlohmann::json::array();
  for (const auto& l : s.lists) lists.push_back({{"name", l.name}, {"messages", l.messages}, {"sources", l.sources}});
  return {{"messages", s.messages},
          {"series", s.series},
          {"duplicates", s.duplicates},
          {"store", {{"bytes", s.store_bytes}, {"bytes_per_message", per_message(s)}}},
          {"sources", sources},
          {"lists", lists}};
}

std::string stats_text(const core::Store::Stats& s, bool color) {
  std::string out;
  out += paint("messages:   ", kBold, color) + std::to_string(s.messages) + "\n";
  out += paint("series:     ", kBold, color) + std::to_string(s.series) + "\n";
  out += paint("duplicates: ", kBold, color) + std::to_string(s.duplicates) + "\n";
  out += paint("store:      ", kBold, color) + std::to_string(s.store_bytes) + " bytes (" +
         std::to_string(per_message(s)) + " per message)\n";
  if (!s.lists.empty()) {
    out += paint("lists:", kBold, color) + "\n";
    for (const auto& l : s.lists)
      out += "  " + printable(l.name) + ": " + std::to_string(l.messages) + " messages, " +
             std::to_string(l.sources) + " epoch" + (l.sources == 1 ? "" : "s") + "\n";
  }
  if (!s.sources.empty()) {
    out += paint("sources:", kBold, color) + "\n";
    for (const auto& ss : s.sources) {
      const std::string cur = cursor_text(ss.source);
      out += "  " + printable(ss.source.path) + " (" + ss.source.kind + "): " + std::to_string(ss.messages) +
             " stored, " + std::to_string(ss.duplicates) + " duplicate" + (ss.duplicates == 1 ? "" : "s") +
             (cur.empty() ? "" : ", " + paint(cur, kDim, color)) + "\n";
    }
  }
  return out;
}

}  // namespace seam::reports
