#include "mail/parse/date.hpp"

#include <gmime/gmime.h>

#include <optional>
#include <string_view>

namespace seam::mail {

namespace {

// The last two words of a Date value, comments skipped: the zone and what
// precedes it (the time of day when the sender followed RFC 5322).
void last_words(std::string_view v, std::string_view& prev, std::string_view& last) {
  prev = last = {};
  int depth = 0;
  size_t start = std::string_view::npos;
  auto word_end = [&](size_t end) {
    if (start == std::string_view::npos) return;
    prev = last;
    last = v.substr(start, end - start);
    start = std::string_view::npos;
  };
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (depth > 0) {
      if (c == '\\') ++i;
      else if (c == '(') ++depth;
      else if (c == ')') --depth;
    } else if (c == '(') {
      word_end(i);
      depth = 1;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      word_end(i);
    } else if (start == std::string_view::npos) {
      start = i;
    }
  }
  if (depth == 0) word_end(v.size());
}

bool digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

int two_digits(std::string_view s, size_t at) { return (s[at] - '0') * 10 + (s[at + 1] - '0'); }

// "+hhmm" or "+hh:mm" (written by some web mailers) as minutes east of UTC;
// nullopt for anything else ("+2500", "+05", "+0099").
std::optional<int> numeric_zone(std::string_view z) {
  if (z.size() < 5 || (z[0] != '+' && z[0] != '-')) return std::nullopt;
  int hh = 0, mm = 0;
  if (z.size() == 5 && digits(z.substr(1))) {
    hh = two_digits(z, 1);
    mm = two_digits(z, 3);
  } else if (z.size() == 6 && z[3] == ':' && digits(z.substr(1, 2)) && digits(z.substr(4))) {
    hh = two_digits(z, 1);
    mm = two_digits(z, 4);
  } else {
    return std::nullopt;
  }
  if (hh > 23 || mm > 59) return std::nullopt;
  return (z[0] == '-' ? -1 : 1) * (hh * 60 + mm);
}

// True when `t` ("h:mm" or "hh:mm:ss") is the wall-clock time of `d`.
bool same_time_of_day(std::string_view t, GDateTime* d) {
  const size_t c1 = t.find(':');
  if (c1 == std::string_view::npos || c1 == 0 || c1 > 2 || !digits(t.substr(0, c1))) return false;
  std::string_view rest = t.substr(c1 + 1);
  std::string_view mm = rest.substr(0, 2), ss = "00";
  if (rest.size() == 5 && rest[2] == ':') ss = rest.substr(3);
  else if (rest.size() != 2) return false;
  if (!digits(mm) || !digits(ss)) return false;
  const int hh = c1 == 1 ? t[0] - '0' : two_digits(t, 0);
  return hh == g_date_time_get_hour(d) && two_digits(mm, 0) == g_date_time_get_minute(d) &&
         two_digits(ss, 0) == g_date_time_get_second(d);
}

}  // namespace

// Decodes Date with GMime, then checks the zone against the one written:
// GMime reads a zone it cannot parse ("+05:30", "+2500", "10:00:00+0100") as
// UTC without a word. A readable zone GMime missed is applied to the wall
// clock GMime read, when that is the time written; otherwise the date is
// left unset (date_ok false), the header kept raw.
void decode_date(const std::string& value, core::Message& m) {
  GDateTime* d = g_mime_utils_header_decode_date(value.c_str());
  if (!d) return;
  int64_t secs = g_date_time_to_unix(d);
  int tz = static_cast<int>(g_date_time_get_utc_offset(d) / G_TIME_SPAN_MINUTE);
  bool ok = true;
  std::string_view time, zone;
  last_words(value, time, zone);
  if (!zone.empty() && zone[0] != '+' && zone[0] != '-') {
    // A zone glued to the time ("10:00:00+0100"), else a named zone, a year
    // (asctime order) or no zone at all: GMime's reading stands.
    const size_t colon = zone.find(':');
    const size_t sign = colon == std::string_view::npos ? colon : zone.find_first_of("+-", colon);
    if (sign != std::string_view::npos) {
      time = zone.substr(0, sign);
      zone = zone.substr(sign);
    } else {
      zone = {};
    }
  }
  if (!zone.empty()) {
    const std::optional<int> written = numeric_zone(zone);
    if (!written) {
      ok = false;
    } else if (*written != tz) {
      ok = same_time_of_day(time, d);
      secs += int64_t{tz - *written} * 60;
      tz = *written;
    }
  }
  g_date_time_unref(d);
  if (!ok) return;
  m.date = secs;
  m.tz_minutes = tz;
  m.date_ok = true;
}

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

void decode_iso_date(const std::string& value, core::Message& m) {
  std::string_view v = value;
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r' || v.back() == '\n')) v.remove_suffix(1);
  // YYYY-MM-DD, then 'T' or one space, then hh:mm[:ss]
  if (v.size() < 16 || !digits(v.substr(0, 4)) || v[4] != '-' || !digits(v.substr(5, 2)) || v[7] != '-' ||
      !digits(v.substr(8, 2)) || (v[10] != 'T' && v[10] != ' ') || !digits(v.substr(11, 2)) || v[13] != ':' ||
      !digits(v.substr(14, 2)))
    return;
  const int year = two_digits(v, 0) * 100 + two_digits(v, 2);
  const int mon = two_digits(v, 5), day = two_digits(v, 8), hh = two_digits(v, 11), mi = two_digits(v, 14);
  int ss = 0;
  std::string_view rest = v.substr(16);
  if (rest.size() >= 3 && rest[0] == ':' && digits(rest.substr(1, 2))) {
    ss = two_digits(rest, 1);
    rest.remove_prefix(3);
  }
  if (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
  int tz = 0;
  if (rest == "Z") {
    tz = 0;
  } else if (auto z = numeric_zone(rest)) {
    tz = *z;
  } else {
    return;  // no zone (git would take the local one) or something else
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mon < 1 || mon > 12 || day < 1 || day > kDays[mon - 1] || hh > 23 || mi > 59 || ss > 60) return;
  m.date = days_from_civil(year, static_cast<unsigned>(mon), static_cast<unsigned>(day)) * 86400 + hh * 3600 +
           mi * 60 + ss - int64_t{tz} * 60;
  m.tz_minutes = tz;
  m.date_ok = true;
}

}  // namespace seam::mail
