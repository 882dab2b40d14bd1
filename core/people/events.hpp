// Review events, computed from what the store holds and kept in its own
// tables (review_events, people_files, people_pending, people_ties,
// people_state): a trailer given in reply to a patch or cover letter, a
// review reply (a reply to a patch quoting its diff and commenting below the
// quotes), an authored patch; and the files of each patch with their class
// and whether unsafe code or the Rust/C boundary is in them.
//
// Incremental: people_state.watermark is the last message row processed;
// update_events() reads only messages past it. A reply whose patch is not
// stored yet waits in people_pending and is counted once the patch arrives.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/analysis/rules.hpp"
#include "core/store/store.hpp"

namespace seam::core::people {

// The decoded body text of a stored message (text parts and patch
// attachments, as mail::body_text gives it), or nullopt with `error` set when
// it cannot be read back. Supplied by the caller (core does not read mail).
using BodyReader = std::function<std::optional<std::string>(const std::string& msgid, std::string& error)>;

struct UpdateStats {
  int64_t messages = 0;   // new messages looked at
  int64_t patches = 0;    // patches analysed
  int64_t replies = 0;    // replies to patches read (new and formerly pending)
  int64_t events = 0;     // events written
  int64_t pending = 0;    // replies still waiting for their patch
  std::vector<std::string> errors;  // bodies that could not be read (message-id and why)
};

// Brings the events up to date with the stored messages. `rules` are the
// review rules run on Rust patches (unsafe and boundary findings); `body`
// reads bodies back. Writes in short transactions, each with the watermark,
// so an interrupted run resumes. `progress` (may be empty) is called with
// (done, total) now and then. Throws SqliteError when the store fails.
UpdateStats update_events(Store& store, const RuleSet& rules, const BodyReader& body,
                          const std::function<void(int64_t, int64_t)>& progress = {});

// Whether events are behind the messages (update_events() has work to do).
bool events_stale(Store& store);

// What a reply says about the patch it answers: the lines it quotes from the
// diff, and the lines its author wrote below them.
struct QuoteMatch {
  std::vector<int> files;                    // indices of the patch's files quoted
  std::vector<std::pair<int, int>> hunks;    // (file, hunk) quoted
  int quoted = 0;                            // quoted lines found in the diff
  int comments = 0;                          // own lines written below quoted diff lines
};

// Matches the quoted lines ("> " once; deeper quotes are someone else's) of
// `reply_body` against the diff of `patch_body` (parsed with parse_diff).
// Own lines count once at least one diff line was quoted above them; blank
// lines, attribution lines ("… wrote:"), trailers and everything after a
// "-- " signature do not count.
QuoteMatch match_quotes(const std::string& reply_body, const std::string& patch_body);

// The rule ids of findings about unsafe code, and about the Rust/C boundary.
bool unsafe_rule(const std::string& rule);
bool boundary_rule(const std::string& rule);

}  // namespace seam::core::people
