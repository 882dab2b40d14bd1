#include "core/message.hpp"

#include <cstdio>
#include <ctime>

namespace seam::core {

std::string format_address(const Address& a) {
  if (a.name.empty()) return a.email;
  if (a.email.empty()) return a.name;
  return a.name + " <" + a.email + ">";
}

std::string rfc5322_date(int64_t utc, int tz_minutes) {
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t local = static_cast<std::time_t>(utc + int64_t{tz_minutes} * 60);
  std::tm tm{};
  ::gmtime_r(&local, &tm);
  const int off = tz_minutes < 0 ? -tz_minutes : tz_minutes;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %d %s %04d %02d:%02d:%02d %c%02d%02d", days[tm.tm_wday], tm.tm_mday,
                months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, tz_minutes < 0 ? '-' : '+',
                off / 60, off % 60);
  return buf;
}

}  // namespace seam::core
