// The Date header: GMime's reading, checked against the zone the sender
// wrote.
#pragma once

#include <string>

#include "core/message.hpp"

namespace seam::mail {

// Sets m.date, m.tz_minutes and m.date_ok from a Date value. GMime reads a
// zone it cannot parse ("+05:30", "+2500", "10:00:00+0100") as UTC without a
// word: a readable zone GMime missed is applied when the wall-clock time
// agrees; an unreadable one leaves the date unset (date_ok false).
void decode_date(const std::string& value, core::Message& m);

// Sets m.date, m.tz_minutes and m.date_ok from an ISO 8601 date with a zone
// ("2024-01-02T03:04:05+01:00", "2024-01-02 03:04 +0100", "...Z"), which
// git's date parser takes where RFC 5322 is expected (an in-body Date:
// written by hand or by a tool); leaves `m` alone for anything else.
void decode_iso_date(const std::string& value, core::Message& m);

}  // namespace seam::mail
