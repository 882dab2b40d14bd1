// Turning one raw RFC 2822 message into seam's Message model, with GMime.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/message.hpp"

namespace seam::mail {

struct ParseResult {
  std::optional<core::Message> message;  // set on success
  std::string error;                     // why the message was rejected
};

// Parses the header of `raw` (the bytes of one message, already unescaped
// from its mbox). Mail is hostile: this never throws on content, and every
// string it returns is valid UTF-8. A message with no usable Message-ID gets
// a synthetic one derived from its bytes, so re-ingesting is stable. A
// message whose Message-ID, In-Reply-To or References holds a NUL byte is
// refused (`error` names the header); in the other headers a NUL is kept as
// U+FFFD. Never is a value cut short at a NUL.
ParseResult parse_message(std::string_view raw);

// The body of `raw` as UTF-8 text: its text parts and patch attachments, in
// order, with transfer encodings and charsets decoded.
std::string body_text(std::string_view raw);

// An address list header value (To, Cc) as decoded addresses; groups are
// flattened.
std::vector<core::Address> parse_address_list(std::string_view raw);

// Makes `s` valid UTF-8 in place (invalid bytes become U+FFFD).
void make_valid_utf8(std::string& s);

}  // namespace seam::mail
