// What a decoded message body says about patches: whether it carries a diff,
// its patch id, b4's change-id and base-commit lines, and trailers.
#pragma once

#include <string>
#include <string_view>

#include "core/message.hpp"

namespace seam::mail {

// Fills the body part of `facts` from `text` (the decoded UTF-8 body).
// `from_email` (the sender) is no longer used: whose trailers a reply may
// give is decided at assembly (core::trailer_acceptable).
void scan_body(std::string_view text, std::string_view from_email, core::PatchFacts& facts);

// A stable id of the diff in `text`, insensitive to whitespace, line numbers
// and context (like `git patch-id`): 16 hex digits, or "" without a diff.
std::string patch_id(std::string_view text);

}  // namespace seam::mail
