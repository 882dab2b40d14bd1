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

}  // namespace seam::mail
