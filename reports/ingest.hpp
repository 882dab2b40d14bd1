// Rendering the outcome of `seam ingest` and the listing of stored messages.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/store/store.hpp"
#include "mail/ingest.hpp"

namespace seam::reports {

// {"sources":[{"source":…,"kind":…,"seen":N,"added":N,"duplicates":N,
//              "errors":[{"where":…,"message":…}]}]}  (plus "fatal" when set)
nlohmann::json ingest_json(const std::vector<mail::SourceReport>& reports);

// One line per source, then one line per skipped message (at most
// `max_errors` of them per source, with a count of the rest); mail text
// through printable().
std::string ingest_text(const std::vector<mail::SourceReport>& reports, bool color,
                        size_t max_errors = 20);

// Messages as a table for people: date, author (cut or padded to 24
// columns of display width), subject; mail text through printable().
std::string messages_text(const std::vector<core::Store::Listed>& msgs, bool color);

// Messages for programs: [{"msgid":…,"subject":…,"from":…,"date":ISO-8601|null,…}]
// (to and cc from Message::to/cc, which the caller fills)
nlohmann::json messages_json(const std::vector<core::Store::Listed>& msgs);

// ISO-8601 in the sender's own offset, e.g. 2024-03-01T10:00:00+01:00.
std::string iso8601(int64_t unix_seconds, int tz_minutes);

// Serializes JSON for output; invalid UTF-8 (never expected) is replaced.
// Every control character in a string is escaped as \uXXXX: C0 (as JSON
// requires), and also DEL, C1 (U+0080–U+009F) and the bidi and line-separator
// controls printable() escapes, so a terminal showing the JSON acts on none.
std::string dump(const nlohmann::json& j, int indent = -1);

}  // namespace seam::reports
