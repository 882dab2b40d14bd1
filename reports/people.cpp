#include "reports/people.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <sstream>

#include "reports/escape.hpp"
#include "reports/terminal.hpp"

namespace seam::reports {

namespace pp = core::people;

namespace {

std::string day(int64_t t) {
  if (t <= 0) return "-";
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string who(const pp::Data& d, int p) {
  if (p < 0 || static_cast<size_t>(p) >= d.people.size()) return "?";
  const auto& x = d.people[static_cast<size_t>(p)];
  return printable(x.name.empty() ? "<" + x.email + ">" : x.name + " <" + x.email + ">");
}

nlohmann::json person_json(const pp::Data& d, int p) {
  const auto& x = d.people.at(static_cast<size_t>(p));
  return {{"name", x.name}, {"email", x.email}, {"emails", x.emails}};
}

std::string percent(int part, int whole) {
  if (whole <= 0) return "0%";
  return std::to_string((part * 100 + whole / 2) / whole) + "%";
}

}  // namespace

std::string sparkline(const std::vector<int>& counts, int top) {
  static const char* const kBars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  std::string out;
  for (int c : counts) {
    if (top <= 0 || c <= 0) {
      out += c > 0 ? kBars[0] : " ";
      continue;
    }
    int level = (c * 7 + top - 1) / top;
    out += kBars[std::clamp(level, 0, 7)];
  }
  return out;
}

std::string reviewers_text(const pp::Data& d, const pp::ReviewerReport& r, bool spark, bool color) {
  std::ostringstream out;
  if (r.rows.empty()) return "no reviews match\n";
  // The sparkline covers the last 36 months of the range at most.
  const size_t span = std::min<size_t>(static_cast<size_t>(r.month_count), 36);
  int top = 0;
  for (const auto& row : r.rows)
    for (size_t k = row.months.size() - span; k < row.months.size(); ++k) top = std::max(top, row.months[k]);
  out << paint(fit_width("reviewer", 40), kBold, color) << "  trl  cmt  rust unsafe bndry  first       last        areas";
  if (spark) out << std::string(44 - 5, ' ') << "  months (last " << span << ")";
  out << "\n";
  for (const auto& row : r.rows) {
    char nums[96];
    std::snprintf(nums, sizeof nums, "%4d %4d %5s %6d %5d  %s  %s  ", row.trailers, row.comments,
                  percent(row.rust, row.reviews()).c_str(), row.unsafe_code, row.boundary, day(row.first).c_str(),
                  day(row.last).c_str());
    out << fit_width(who(d, row.person), 40) << "  " << nums;
    std::string areas;
    for (const auto& [a, n] : row.areas) areas += (areas.empty() ? "" : ", ") + printable(a) + " " + std::to_string(n);
    // Fixed width when a sparkline follows, so that the months line up.
    out << paint(spark ? fit_width(areas, 44) : areas, kDim, color);
    if (spark) {
      std::vector<int> tail(row.months.end() - static_cast<std::ptrdiff_t>(span), row.months.end());
      out << "  " << sparkline(tail, top);
    }
    out << "\n";
  }
  return out.str();
}

nlohmann::json reviewers_json(const pp::Data& d, const pp::ReviewerReport& r) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : r.rows) {
    nlohmann::json areas = nlohmann::json::array();
    for (const auto& [a, n] : row.areas) areas.push_back({{"area", a}, {"reviews", n}});
    rows.push_back({{"person", person_json(d, row.person)},
                    {"reviews", row.reviews()},
                    {"trailers", row.trailers},
                    {"comments", row.comments},
                    {"rust", row.rust},
                    {"unsafe", row.unsafe_code},
                    {"boundary", row.boundary},
                    {"areas", areas},
                    {"first", day(row.first)},
                    {"last", day(row.last)},
                    {"months", row.months}});
  }
  return {{"first_month", r.month0}, {"reviewers", rows}};
}

std::string experience_text(const pp::Data& d, const pp::Experience& x, bool color) {
  std::ostringstream out;
  out << paint(who(d, x.person), kBold, color) << "\n";
  const auto& p = d.people.at(static_cast<size_t>(x.person));
  if (p.emails.size() > 1) {
    out << "  addresses:";
    for (const auto& e : p.emails) out << " " << printable(e);
    out << "\n";
  }
  out << "  reviews: " << x.trailers << " trailers, " << x.comments << " commented replies (" << x.quoted
      << " lines quoted); " << x.authored << " patches authored\n";
  out << "  first review " << (x.first_review ? day(*x.first_review) : "-") << ", last "
      << (x.last_review ? day(*x.last_review) : "-") << "; first Rust review "
      << (x.first_rust ? day(*x.first_rust) : "never") << ", first review of unsafe code "
      << (x.first_unsafe ? day(*x.first_unsafe) : "never") << "\n";
  if (!x.reviewed_with.empty()) {
    out << "  reviewed most with:";
    bool first = true;
    for (const auto& [q, n] : x.reviewed_with) {
      out << (first ? " " : ", ") << who(d, q) << " (" << n << ")";
      first = false;
    }
    out << "\n";
  }
  if (x.rows.empty()) return out.str();
  out << "\n" << paint("month    lang   trl  cmt quoted auth  area", kBold, color) << "\n";
  for (const auto& r : x.rows) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s  %-5s %4d %4d %6d %4d  ", r.month.c_str(), r.lang.c_str(), r.trailers,
                  r.comments, r.quoted, r.authored);
    out << buf << printable(r.area) << "\n";
  }
  return out.str();
}

nlohmann::json experience_json(const pp::Data& d, const pp::Experience& x) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : x.rows)
    rows.push_back({{"month", r.month},
                    {"lang", r.lang},
                    {"area", r.area},
                    {"trailers", r.trailers},
                    {"comments", r.comments},
                    {"quoted", r.quoted},
                    {"authored", r.authored}});
  nlohmann::json with = nlohmann::json::array();
  for (const auto& [q, n] : x.reviewed_with) with.push_back({{"person", person_json(d, q)}, {"versions", n}});
  auto opt = [](const std::optional<int64_t>& t) { return t ? nlohmann::json(day(*t)) : nlohmann::json(nullptr); };
  return {{"person", person_json(d, x.person)},
          {"trailers", x.trailers},
          {"comments", x.comments},
          {"quoted", x.quoted},
          {"authored", x.authored},
          {"first_review", opt(x.first_review)},
          {"last_review", opt(x.last_review)},
          {"first_rust_review", opt(x.first_rust)},
          {"first_unsafe_review", opt(x.first_unsafe)},
          {"reviewed_with", with},
          {"months", rows}};
}

std::string suggest_text(const pp::Data& d, const std::string& title, const std::vector<pp::Suggestion>& s,
                         bool color) {
  std::ostringstream out;
  out << printable(title) << "\n";
  if (s.empty()) {
    out << "  no one has reviewed anything near these files yet\n";
    return out.str();
  }
  int k = 0;
  for (const auto& g : s) {
    char score[32];
    std::snprintf(score, sizeof score, "%.2f", g.score);
    out << "  " << ++k << ". " << paint(who(d, g.person), kBold, color) << "  " << paint(score, kDim, color) << "\n";
    for (const auto& r : g.reasons) out << "       " << printable(r) << "\n";
  }
  return out.str();
}

nlohmann::json suggest_json(const pp::Data& d, const std::string& series, int version,
                            const std::vector<pp::Suggestion>& s) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& g : s)
    arr.push_back({{"person", person_json(d, g.person)},
                   {"score", g.score},
                   {"file_reviews", g.file_reviews},
                   {"area_reviews", g.area_reviews},
                   {"last", g.last ? nlohmann::json(day(g.last)) : nlohmann::json(nullptr)},
                   {"rust_reviews", g.rust_reviews},
                   {"unsafe_reviews", g.unsafe_reviews},
                   {"maintainer_of", g.maintainer_of},
                   {"reasons", g.reasons}});
  return {{"series", series}, {"version", version}, {"reviewers", arr}};
}

std::string people_list_text(const pp::Data& d, const std::vector<int>& people) {
  std::string out;
  for (int p : people) out += "  " + who(d, p) + "\n";
  return out;
}

std::string replay_text(const pp::ReplayResult& r) {
  std::ostringstream out;
  auto table = [&](const char* what, const std::vector<pp::ReplayScore>& rows) {
    out << what << " (" << (rows.empty() ? 0 : rows.front().cases) << " versions)\n";
    out << "  method        top-1   top-3   top-5   MRR\n";
    for (const auto& s : rows) {
      char buf[128];
      auto pct = [&](int n) { return s.cases ? 100.0 * n / s.cases : 0.0; };
      std::snprintf(buf, sizeof buf, "  %-12s %5.1f%%  %5.1f%%  %5.1f%%  %.3f\n", s.method.c_str(), pct(s.top1),
                    pct(s.top3), pct(s.top5), s.mrr);
      out << buf;
    }
  };
  table("all series", r.all);
  table("Rust series", r.rust);
  return out.str();
}

nlohmann::json replay_json(const pp::ReplayResult& r) {
  auto rows = [](const std::vector<pp::ReplayScore>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& s : v)
      a.push_back({{"method", s.method}, {"cases", s.cases}, {"top1", s.top1}, {"top3", s.top3}, {"top5", s.top5},
                   {"mrr", s.mrr}});
    return a;
  };
  return {{"all", rows(r.all)}, {"rust", rows(r.rust)}};
}

}  // namespace seam::reports
