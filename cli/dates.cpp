#include "cli/dates.hpp"

#include <ctime>

namespace seam::cli {

std::optional<int64_t> parse_date(const std::string& s) {
  int y = 0, mo = 1, d = 1, h = 0, mi = 0, sec = 0;
  size_t pos = 0;
  auto number = [&](size_t digits, int& out) {
    if (pos + digits > s.size()) return false;
    int v = 0;
    for (size_t k = 0; k < digits; ++k) {
      const char c = s[pos + k];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    out = v;
    pos += digits;
    return true;
  };
  auto sep = [&](char c) {
    if (pos < s.size() && s[pos] == c) return ++pos, true;
    return false;
  };
  if (!number(4, y)) return std::nullopt;
  if (sep('-')) {
    if (!number(2, mo)) return std::nullopt;
    if (sep('-')) {
      if (!number(2, d)) return std::nullopt;
      if (sep('T') || sep(' ')) {
        if (!number(2, h) || !sep(':') || !number(2, mi)) return std::nullopt;
        if (sep(':') && !number(2, sec)) return std::nullopt;
      }
    }
  }
  if (pos != s.size()) return std::nullopt;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (y < 1970 || mo < 1 || mo > 12) return std::nullopt;
  if (d < 1 || d > kDays[mo - 1] + (mo == 2 && leap ? 1 : 0)) return std::nullopt;
  if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace seam::cli
