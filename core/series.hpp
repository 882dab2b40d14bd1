// Patch series: grouping messages into series, their versions and patches,
// and collecting the trailers reviewers gave, the way b4 does it (and where
// b4 gives up, still giving an answer).
//
// Assembly is a pure function of per-message facts, so the store can rerun it
// after every ingest and tests can feed it by hand.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace seam::core {

struct Trailer {
  std::string name;
  std::string value;
  std::string email;  // person trailers: the address, lower case
  std::string from;   // message-id of the message that gave it
  bool via_cover = false;  // given in reply to the cover letter, copied to every patch
};

// Whether a follow-up from `from_name` <`from_email`> may give trailer `t`:
// any trailer that does not name a person; a person trailer (…-by) when its
// address is the sender's (also with a "+detail" local part or one domain a
// subdomain of the other) or, failing that, its name is the sender's (a
// maintainer acking with another address than the one they send from; a
// From of "Last, First" matches a name holding each part), as b4 does.
// `sloppy` (b4's --sloppy-trailers) accepts any.
bool trailer_acceptable(const Trailer& t, const std::string& from_name, const std::string& from_email,
                        bool sloppy);

// How trailers are collected.
struct AssembleOptions {
  bool sloppy_trailers = false;  // accept person trailers whoever sent them
  bool cover_trailers = true;    // copy trailers given to the cover letter to every patch (newer b4's default)
};

// What assembly needs to know of one message.
struct MessageFacts {
  std::string msgid;
  std::string from_name;
  std::string from_email;
  int64_t date = 0;             // seconds since the epoch (0 when unknown)
  std::string subject;
  std::string in_reply_to;
  std::vector<std::string> references;
  // From the subject grammar:
  bool reply = false;
  bool has_patch_tag = false;
  bool pull = false;
  bool rfc = false;
  bool resend = false;
  int version = 1;
  int index = 0;
  int total = 0;
  std::string title;            // subject without tags
  std::string norm_title;       // for matching versions
  // From the body:
  bool has_diff = false;
  bool rust = false;            // the diff touches Rust
  std::string patch_id;         // stable id of the diff (whitespace-insensitive)
  std::string change_id;        // "change-id:" line of a cover letter or patch
  std::string base_commit;      // "base-commit:" line
  std::string prerequisites;    // "prerequisite-patch-id:" values, space-separated
  std::vector<Trailer> own_trailers;       // trailer block of the commit message
  std::vector<Trailer> followup_trailers;  // what this message gives as a reply
};

struct SeriesPatch {
  int index = 0;                // 1-based
  std::string msgid;
  std::string subject;
  std::string patch_id;
  bool carried = false;         // taken from the previous version (partial reroll)
  std::vector<Trailer> trailers;  // own trailers, then collected ones, b4's order
};

struct SeriesVersion {
  int version = 1;
  std::optional<std::string> cover;  // msgid of the cover letter
  int expected = 0;
  int64_t date = 0;
  bool rfc = false;
  bool resend = false;
  std::string base_commit;
  std::string prerequisites;    // patch ids the series applies on top of
  std::vector<SeriesPatch> patches;  // by index; missing ones absent
  std::vector<int> missing() const;
};

struct Series {
  std::string id;               // stable: derived from the first version's anchor message-id
  std::string title;
  std::string author_name;
  std::string author_email;
  std::string change_id;
  bool pull = false;            // a [GIT PULL]: not a patch series
  bool rust = false;            // some patch touches Rust
  std::vector<SeriesVersion> versions;  // oldest first
};

// Groups messages into series. `msgs` may be in any order.
//
// Versions: a patch whose subject gives no version takes the version of the
// cover letter or first patch it is threaded under, and a cover letter whose
// subject gives none takes the one all its numbered patches name (or its
// first patches name, the later ones leaving it out); the same patch
// (author and title) sent again in its own thread without a version or
// RESEND is one more than the newest version the author gave that title
// there, unless the author names that number elsewhere in the thread (a
// version the author names is kept); a first message without
// "0/N" whose replies are the numbered patches (or its author's patches) is
// their cover letter; patches without a counter answering a cover letter are
// numbered in the order sent; a patch its author adds past the cover
// letter's count ("[PATCH 4/4]" under "[PATCH 0/3]") is one more patch of that
// version, and a cover letter that undercounts takes its author's patches of
// the larger count; a patch without a counter sent as a newer
// version in reply to patch k/N of an older one, of the same title, is patch k/N of that newer
// version (a partial reroll, filled from the older version, whose cover
// letter and title it keeps). Patches of one version sent one by one in reply
// to an older version's messages are one version. A message repeating a
// patch's subject without "Re:", without a diff, giving trailers in reply to
// that patch is a review. A lone patch posted inside another series' thread
// is a series of its own. Versions are linked by change-id, by author (address
// or name) and normalised title, and by author and a shared patch id.
//
// Trailers of each patch: its own, then those its replies give, then those
// the cover letter's replies give (unless !opts.cover_trailers; marked
// via_cover), then those given to the same patch id in another version; each
// once, and from replies only when trailer_acceptable().
std::vector<Series> assemble(const std::vector<MessageFacts>& msgs, const AssembleOptions& opts = {});

// What links a message to messages outside its thread in assemble(): the
// keys by which versions are paired (change-id; author address or name and
// normalised title; a patch id) and, `dated`, the keys by which unthreaded
// patches of one author are stitched into one version (matched only within
// series_stitch_window() seconds of `date`). Two messages whose assembly
// could depend on each other without a References/In-Reply-To path between
// them share a key (a superset: sharing one does not mean they are linked).
// Replies and pull requests have none. The store indexes these to
// re-assemble only what new mail touches (Store::refresh_series()); a change
// to assemble() that links messages by anything else must add it here, or
// incremental assembly stops matching a full one (tests/series/
// test_incremental.cpp compares them).
struct LinkKey {
  std::string key;
  bool dated = false;
  bool operator==(const LinkKey&) const = default;
};
std::vector<LinkKey> link_keys(const MessageFacts& m);
int64_t series_stitch_window();

// The version of `s` that message `msgid` is part of (a patch of it, not
// carried from an older version, or its cover letter); nullptr when none.
const SeriesVersion* version_with_message(const Series& s, const std::string& msgid);

// Acked-by, Reviewed-by and Tested-by a version carries: every such trailer
// of its patches, the ones already in the commit messages and the ones
// collected from review (what `seam am` writes), each counted once per patch.
struct ReviewCounts {
  int acked = 0, reviewed = 0, tested = 0;
};
ReviewCounts review_counts(const SeriesVersion& v);

// How many trailers given to the cover letter were copied to the patches.
int cover_trailers_applied(const SeriesVersion& v);

// A short stable id for a series from its anchor message-id.
std::string series_id(const std::string& anchor_msgid);

}  // namespace seam::core
