// Trailers ("Reviewed-by: Name <addr>") in patch mail: the block that ends a
// commit message, and the ones reviewers write in their replies.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace seam::mail {

struct Trailer {
  std::string name;   // canonical case: "Reviewed-by", "Fixes", "Cc"
  std::string value;  // cleaned: whitespace collapsed, mail-client junk removed
  std::string email;  // the address of a person trailer, lower case; "" otherwise
};

// True for trailers that name a person (…-by, Cc).
bool is_person_trailer(std::string_view name);

// Parses one "Name: value" line (continuations already joined). Returns false
// when the line is not a trailer seam collects.
bool parse_trailer_line(std::string_view line, Trailer& out);

// The trailer block at the end of a patch's commit message: the last
// paragraph before the "---" separator (or the diff, for patches without
// one). Lines that are not trailers inside that paragraph are skipped.
std::vector<Trailer> commit_trailers(std::string_view body);

// Trailers a follow-up gives: unquoted lines before any diff or signature.
// Every person trailer is returned, whoever it names (including a
// Signed-off-by the submitter forgot): core::trailer_acceptable() decides at
// assembly whether the sender may give it, as b4 does. Link, Closes and Cc in
// a reply are not review trailers, and a person trailer without a full
// address (local@domain.tld) is not a trailer: both are left out. A trailer
// wrapped by the mail client is joined back as b4 joins it: "Name: words"
// followed by a line holding only "<address>", and "Name: hex (words"
// followed by a line holding the closing ")".
std::vector<Trailer> followup_trailers(std::string_view body);

// The commit message part of a patch body: up to the "---" line that starts
// the diffstat, or the first diff line.
std::string_view commit_message(std::string_view body);

// True when the body carries a diff (git or plain unified).
bool has_diff(std::string_view body);

}  // namespace seam::mail
