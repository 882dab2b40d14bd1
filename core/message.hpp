// The domain model of one mail message as seam stores it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace seam::core {

struct Address {
  std::string name;   // display name, decoded to UTF-8, may be empty
  std::string email;  // addr-spec, may be empty for broken headers
};

// Where a message can be read again: the source it came from and a
// kind-specific locator (byte offset and length in an mbox, a commit id in a
// public-inbox epoch, a file name in a Maildir).
struct Locator {
  std::string source;   // canonical path of the source ("-" for stdin)
  std::string where;    // "offset:length", commit oid, or relative file name
};

// A trailer found in a message body ("Reviewed-by: Name <addr>").
struct BodyTrailer {
  std::string name;
  std::string value;
  std::string email;  // person trailers: the address, lower case
};

// What the subject and body say about a message's place in a patch series.
struct PatchFacts {
  bool reply = false;          // Re:/Aw:/Fwd: …
  bool has_patch_tag = false;  // [PATCH …], [RFC …], [GIT PULL …]
  bool pull = false;
  bool rfc = false;
  bool resend = false;
  int version = 1;
  int index = 0;
  int total = 0;
  std::string title;           // subject without tags
  std::string norm_title;
  bool has_diff = false;
  bool rust = false;           // the diff touches Rust (*.rs, rust/)
  std::string patch_id;        // of the diff, whitespace-insensitive; "" without one
  std::string change_id;
  std::string base_commit;
  std::string prerequisites;   // "prerequisite-patch-id:" values, space-separated
  std::vector<BodyTrailer> own_trailers;       // end of the commit message
  std::vector<BodyTrailer> followup_trailers;  // given as a reviewer
};

struct Message {
  std::string msgid;            // without angle brackets
  bool synthetic_id = false;    // true when the mail had no usable Message-ID
  std::string subject;          // decoded, unfolded
  Address from;
  // Recipients as written (unfolded, still RFC 2047 encoded): kernel mail
  // carries dozens per message, and parsing them all at ingest would cost a
  // tenth of it. mail::parse_address_list() makes Address lists of them.
  std::string to_raw;
  std::string cc_raw;
  std::vector<Address> to;  // filled from to_raw/cc_raw when a caller needs them
  std::vector<Address> cc;
  std::optional<int64_t> date;  // seconds since the epoch, UTC
  int tz_minutes = 0;           // offset east of UTC given in the Date header
  std::string date_raw;         // the header as written
  bool date_ok = false;         // false when Date is missing or unparseable
  std::string in_reply_to;      // first message-id of In-Reply-To, if any
  std::vector<std::string> references;  // References, oldest first
  std::string list_id;
  PatchFacts facts;
  uint64_t size = 0;            // bytes of the raw message
  std::string where;            // locator within its source
  // mail::mbox_digest() of the message as read at ingest (its mbox entry
  // before unquoting), so that bytes read back later can be checked to be
  // this message.
  std::string digest;
};

// Formats "Name <email>" (or just the email when there is no name).
std::string format_address(const Address& a);

// The Date header as git send-email and most mail agents write it, RFC 5322
// section 3.3: "Mon, 30 Nov 2026 17:10:24 +0000". `utc` is seconds since the
// epoch; `tz_minutes` the offset east of UTC the header gives (the time
// shown is local to it).
std::string rfc5322_date(int64_t utc, int tz_minutes);

}  // namespace seam::core
