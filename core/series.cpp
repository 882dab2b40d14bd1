#include "core/series.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstdio>
#include <functional>
#include <numeric>
#include <set>
#include <unordered_map>

namespace seam::core {

namespace {

// Unthreaded patches of one author, version and count sent within this window
// are stitched into one series version (as `b4 … --rethread` does).
constexpr int64_t kStitchWindow = 2 * 3600;
// Parent chains longer than this are treated as broken (loops in hostile mail).
constexpr int kMaxDepth = 200;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct Index {
  const std::vector<MessageFacts>& msgs;
  std::unordered_map<std::string, size_t> by_id;
  std::vector<long> parent;                 // -1: none known
  std::vector<std::vector<size_t>> children;

  explicit Index(const std::vector<MessageFacts>& m) : msgs(m), parent(m.size(), -1), children(m.size()) {
    for (size_t i = 0; i < m.size(); ++i) by_id.emplace(m[i].msgid, i);
    for (size_t i = 0; i < m.size(); ++i) {
      long p = find(m[i].in_reply_to);
      // Tolerate a missing parent: fall back to the nearest known reference.
      for (auto r = m[i].references.rbegin(); p < 0 && r != m[i].references.rend(); ++r) p = find(*r);
      if (p == static_cast<long>(i)) p = -1;
      parent[i] = p;
    }
    // Break cycles (a message that is its own ancestor) before using the tree.
    for (size_t i = 0; i < m.size(); ++i) {
      long p = parent[i];
      for (int d = 0; p >= 0 && d < kMaxDepth; ++d, p = parent[static_cast<size_t>(p)]) {
        if (p == static_cast<long>(i)) {
          parent[i] = -1;
          break;
        }
      }
    }
    for (size_t i = 0; i < m.size(); ++i)
      if (parent[i] >= 0) children[static_cast<size_t>(parent[i])].push_back(i);
  }

  long find(const std::string& id) const {
    if (id.empty()) return -1;
    auto it = by_id.find(id);
    return it == by_id.end() ? -1 : static_cast<long>(it->second);
  }
};

bool is_submission(const MessageFacts& m) {
  if (!m.has_patch_tag || m.reply) return false;
  if (m.pull) return true;
  if (m.index == 0 && m.total > 0) return true;  // cover letter
  if (m.index > 0) return true;
  return m.has_diff;                              // a lone [PATCH]
}

// A message's place in a series after reading its thread: subjects leave out
// the version or the counter, or a cover letter lacks "0/N".
struct Place {
  bool sub = false;  // a submission (cover letter, patch or pull request)
  int version = 1;
  int index = 0;
  int total = 0;
  bool cover() const { return sub && index == 0 && total > 0; }
};

struct Group {
  size_t anchor;                       // cover letter or first patch
  std::vector<size_t> members;         // submissions, index order after sorting
  long prev = -1;                      // group of an older version this one replies into
  int version = 1;
  int total = 0;
};

std::string hex64(uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return std::string(buf, 12);
}

std::string trailer_key(const Trailer& t) {
  return lower(t.name) + ":" + (t.email.empty() ? lower(t.value) : t.email + "|" + lower(t.value));
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  size_t b = 0;
  while (b < s.size() && (s[b] == ' ' || s[b] == '\t')) ++b;
  return s.substr(b);
}

// The name part of "Name <addr>" ("" for a bare address), unquoted, lower case.
std::string trailer_person_name(const std::string& value) {
  auto lt = value.find('<');
  if (lt == std::string::npos) return value.find('@') == std::string::npos ? lower(trim(value)) : std::string();
  std::string n = trim(value.substr(0, lt));
  if (n.size() >= 2 && n.front() == '"' && n.back() == '"') n = n.substr(1, n.size() - 2);
  return lower(trim(n));
}

// Two addresses of one person: equal, equal without a "+detail" in the local
// part, or one domain a subdomain of the other (ada@linux.example.com and
// ada@example.com), as b4 compares them.
bool same_address(std::string a, std::string b) {
  if (a.empty() || b.empty()) return false;
  if (a == b) return true;
  auto strip_detail = [](std::string& x) {
    auto at = x.find('@');
    auto plus = x.find('+');
    if (at != std::string::npos && plus != std::string::npos && plus < at) x.erase(plus, at - plus);
  };
  strip_detail(a);
  strip_detail(b);
  if (a == b) return true;
  auto aat = a.find('@'), bat = b.find('@');
  if (aat == std::string::npos || bat == std::string::npos || a.compare(0, aat, b, 0, bat) != 0 || aat != bat)
    return false;
  const std::string ad = a.substr(aat + 1), bd = b.substr(bat + 1);
  auto dots = [](const std::string& d) { return static_cast<long>(std::count(d.begin(), d.end(), '.')); };
  auto ends_with = [](const std::string& x, const std::string& suffix) {
    return x.size() > suffix.size() && x.compare(x.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return std::labs(dots(ad) - dots(bd)) == 1 && (ends_with(ad, "." + bd) || ends_with(bd, "." + ad));
}

}  // namespace

std::string series_id(const std::string& anchor_msgid) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a: stable across platforms and runs
  for (unsigned char c : anchor_msgid) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return hex64(h);
}

std::vector<int> SeriesVersion::missing() const {
  std::vector<int> out;
  std::set<int> have;
  for (const auto& p : patches) have.insert(p.index);
  for (int i = 1; i <= expected; ++i)
    if (!have.count(i)) out.push_back(i);
  return out;
}

bool trailer_acceptable(const Trailer& t, const std::string& from_name, const std::string& from_email,
                        bool sloppy) {
  const std::string n = lower(t.name);
  const bool person = n == "cc" || (n.size() > 3 && n.compare(n.size() - 3, 3, "-by") == 0);
  if (sloppy || !person) return true;
  if (same_address(t.email, lower(from_email))) return true;
  // The name, then: "Ada Example <ada@kernel.org>" sent from "Ada Example
  // <ada@home.example>". A From of "Example, Ada" matches a trailer name
  // holding each of its comma-separated parts.
  const std::string tn = trailer_person_name(t.value);
  const std::string fn = lower(trim(from_name));
  if (tn.empty() || fn.empty()) return false;
  if (tn == fn) return true;
  if (fn.find(',') == std::string::npos) return false;
  size_t i = 0;
  while (i <= fn.size()) {
    size_t c = fn.find(',', i);
    if (c == std::string::npos) c = fn.size();
    std::string part = trim(fn.substr(i, c - i));
    if (part.empty() || tn.find(part) == std::string::npos) return false;
    i = c + 1;
  }
  return true;
}

const SeriesVersion* version_with_message(const Series& s, const std::string& msgid) {
  for (auto v = s.versions.rbegin(); v != s.versions.rend(); ++v) {
    if (v->cover && *v->cover == msgid) {
      // A carried cover letter belongs to the version that sent it: an older
      // one has the same cover and no carried patches, prefer it.
      bool carried = false;
      for (const auto& p : v->patches) carried |= p.carried;
      if (!carried) return &*v;
    }
    for (const auto& p : v->patches)
      if (p.msgid == msgid && !p.carried) return &*v;
  }
  for (auto v = s.versions.rbegin(); v != s.versions.rend(); ++v)
    if (v->cover && *v->cover == msgid) return &*v;
  return nullptr;
}

ReviewCounts review_counts(const SeriesVersion& v) {
  ReviewCounts c;
  for (const auto& p : v.patches)
    for (const auto& t : p.trailers) {
      if (t.name == "Acked-by") ++c.acked;
      else if (t.name == "Reviewed-by") ++c.reviewed;
      else if (t.name == "Tested-by") ++c.tested;
    }
  return c;
}

int cover_trailers_applied(const SeriesVersion& v) {
  int n = 0;
  for (const auto& p : v.patches)
    for (const auto& t : p.trailers) n += t.via_cover;
  return n;
}

int64_t series_stitch_window() { return kStitchWindow; }

std::vector<LinkKey> link_keys(const MessageFacts& m) {
  std::vector<LinkKey> out;
  // Only submissions (never replies, never pull requests) anchor or join a
  // group, and only groups are linked across threads (steps 3 and 4 below).
  if (m.reply || m.pull) return out;
  const std::string email = lower(m.from_email);
  const std::string name = lower(m.from_name);
  // Step 4: change-id (the anchor's or a member's), author and title (the
  // anchor's), author and patch id (any member's; the anchor's author is
  // left out of the key, so it matches more than it must).
  if (!m.change_id.empty()) out.push_back({"c:" + m.change_id, false});
  out.push_back({"t:" + email + "\n" + m.norm_title, false});
  if (!name.empty()) out.push_back({"n:" + name + "\n" + m.norm_title, false});
  if (!m.patch_id.empty()) out.push_back({"p:" + m.patch_id, false});
  // Step 3: an anchor of a group that may count more than one patch: a
  // numbered patch, a cover letter (whose count lone patches may raise), or a
  // first message without a diff that its replies may make a cover letter.
  if (m.total > 1 || (m.index == 0 && (m.total >= 1 || !m.has_diff))) {
    out.push_back({"s:" + email, true});
    const std::string tn = lower(trim(m.from_name));
    if (!tn.empty()) out.push_back({"S:" + tn, true});
  }
  return out;
}

std::vector<Series> assemble(const std::vector<MessageFacts>& msgs, const AssembleOptions& opts) {
  Index ix(msgs);
  const size_t n = msgs.size();
  // One author: the same address, or the same name (a new address).
  auto same_author = [&](size_t a, size_t b) {
    if (lower(msgs[a].from_email) == lower(msgs[b].from_email)) return true;
    const std::string na = lower(trim(msgs[a].from_name));
    return !na.empty() && na == lower(trim(msgs[b].from_name));
  };

  // 0. Where each message stands, read from its thread. Parents before
  //    children, so a patch can take what its cover letter says.
  std::vector<Place> at(n);
  for (size_t i = 0; i < n; ++i) {
    const auto& m = msgs[i];
    at[i] = {is_submission(m), m.version, m.index, m.total};
  }
  // "[PATCH 1/2] x" without a diff, giving trailers in reply (In-Reply-To)
  // to the patch of the same title: a review whose writer dropped the "Re:"
  // (b4 reads such a message as a follow-up too).
  for (size_t i = 0; i < n; ++i) {
    const auto& m = msgs[i];
    if (!at[i].sub || m.pull || m.has_diff || m.index <= 0 || m.in_reply_to.empty() || m.followup_trailers.empty())
      continue;
    const long p = ix.find(m.in_reply_to);
    if (p >= 0 && msgs[static_cast<size_t>(p)].norm_title == m.norm_title) at[i].sub = false;
  }
  std::vector<int> depth(n, 0);
  for (size_t i = 0; i < n; ++i) {
    int d = 0;
    for (long p = ix.parent[i]; p >= 0 && d < kMaxDepth; p = ix.parent[static_cast<size_t>(p)]) ++d;
    depth[i] = d;
  }
  std::vector<size_t> by_depth(n);
  std::iota(by_depth.begin(), by_depth.end(), 0);
  std::stable_sort(by_depth.begin(), by_depth.end(), [&](size_t a, size_t b) { return depth[a] < depth[b]; });
  // The nearest submission above i (-1: none).
  auto submission_above = [&](size_t i) -> long {
    long p = ix.parent[i];
    for (int d = 0; p >= 0 && d < kMaxDepth; ++d, p = ix.parent[static_cast<size_t>(p)])
      if (at[static_cast<size_t>(p)].sub && !msgs[static_cast<size_t>(p)].pull) return p;
    return -1;
  };
  // A cover letter without "0/N": a first message (not a reply, no diff)
  // whose direct replies are numbered patches, or patches of its author.
  auto lone_patch_of = [&](size_t cover, size_t c) {
    const auto& cm = msgs[c];
    return at[c].sub && !cm.pull && cm.index == 0 && cm.total == 0 && cm.has_diff && same_author(cover, c);
  };
  for (size_t i = 0; i < n; ++i) {
    const auto& m = msgs[i];
    if (at[i].sub || m.reply || m.pull || m.has_diff || m.index != 0 || m.total != 0) continue;
    for (size_t c : ix.children[i]) {
      const auto& cm = msgs[c];
      const bool numbered = at[c].sub && !cm.pull && cm.index > 0 && cm.total > 0 && (m.has_patch_tag || same_author(i, c));
      if (!numbered && !lone_patch_of(i, c)) continue;
      at[i].sub = true;
      at[i].total = numbered ? cm.total : 1;
      if (at[i].version == 1) at[i].version = cm.version;
      break;
    }
  }
  // Patches without a counter sent under a cover letter ("[PATCH v2 0/3]"
  // answered by "[PATCH v2] …" three times): numbered in the order sent.
  for (size_t i = 0; i < n; ++i) {
    if (!at[i].cover() || msgs[i].pull) continue;
    std::vector<size_t> lone;
    bool numbered = false;
    for (size_t c : ix.children[i]) {
      numbered |= at[c].sub && at[c].index > 0;
      if (lone_patch_of(i, c) && (at[c].version == at[i].version || at[c].version == 1)) lone.push_back(c);
    }
    if (numbered || lone.empty()) continue;
    std::stable_sort(lone.begin(), lone.end(), [&](size_t a, size_t b) { return msgs[a].date < msgs[b].date; });
    const int total = std::max(at[i].total, static_cast<int>(lone.size()));
    at[i].total = total;
    for (size_t k = 0; k < lone.size(); ++k) {
      at[lone[k]].index = static_cast<int>(k) + 1;
      at[lone[k]].total = total;
      at[lone[k]].version = at[i].version;
    }
  }
  // A cover letter that leaves the version out ("[PATCH 0/2]") answered by
  // patches that all name one newer version ("[PATCH v2 1/2]", "[PATCH v2
  // 2/2]") is that version's cover letter, as b4 takes it. So it is when the
  // first patches name it and the later ones leave it out too ("[PATCH v2
  // 1/3]", "[PATCH 2/3]", "[PATCH 3/3]": those take it from the cover letter
  // below), unless one of those repeats a named number or came before a named
  // one (a newer version sent into the thread of an older one).
  for (size_t i = 0; i < n; ++i) {
    if (!at[i].cover() || msgs[i].pull || msgs[i].version != 1) continue;
    int named = 0;
    bool one = true;
    std::set<int> named_idx, plain_idx;
    int64_t named_last = INT64_MIN, plain_first = INT64_MAX;
    for (size_t c : ix.children[i]) {
      if (!at[c].sub || msgs[c].pull || at[c].index <= 0) continue;
      if (at[c].total != at[i].total || !same_author(i, c) || (named && at[c].version > 1 && at[c].version != named)) {
        one = false;
        break;
      }
      if (at[c].version == 1) {
        plain_idx.insert(at[c].index);
        plain_first = std::min(plain_first, msgs[c].date);
        continue;
      }
      named = at[c].version;
      named_idx.insert(at[c].index);
      named_last = std::max(named_last, msgs[c].date);
    }
    if (!one || named <= 1) continue;
    if (!plain_idx.empty()) {
      bool apart = *named_idx.begin() < *plain_idx.begin() && named_last <= plain_first;
      for (int k : plain_idx) apart = apart && !named_idx.count(k);
      if (!apart) continue;
    }
    at[i].version = named;
  }
  for (size_t i : by_depth) {
    auto& pl = at[i];
    const auto& m = msgs[i];
    if (!pl.sub || m.pull) continue;
    long p = submission_above(i);
    if (p < 0) continue;
    const Place& up = at[static_cast<size_t>(p)];
    // "[PATCH 1/2]" under "[PATCH v2 0/2]" (or under "[PATCH v2 1/2]") is v2,
    // and so is a patch added past the cover letter's count ("[PATCH 3/3]").
    if (pl.index > 0 && pl.version == 1 && up.version > 1 &&
        (up.total == pl.total || (pl.index > up.total && same_author(i, static_cast<size_t>(p)))) &&
        (up.cover() || up.index >= 1))
      pl.version = up.version;
    // "[PATCH v7] x" in reply to v6's 5/5 "x" is v7's 5/5 (another title is
    // another patch: a lone one, see step 1).
    if (pl.index == 0 && pl.total == 0 && m.has_diff && up.index > 0 && up.version < pl.version &&
        same_author(i, static_cast<size_t>(p)) && m.norm_title == msgs[static_cast<size_t>(p)].norm_title) {
      pl.index = up.index;
      pl.total = up.total;
    }
  }
  // The same patch sent again in its own thread without a version
  // ("[PATCH] x", review, "[PATCH] x" in reply), by its author and without
  // RESEND: it is one more than the newest version that author gave that
  // title in the thread so far (lone or numbered), as b4 numbers a lone
  // patch sent again. A version the author names in the thread is theirs:
  // when the next number is one they name elsewhere ("[RFC PATCH] x",
  // "[PATCH] x", "[PATCH v2] x"), the patch keeps its v1. (A lone patch of
  // another title there stays a series of its own.)
  {
    std::vector<long> root(n, -1);
    for (size_t i = 0; i < n; ++i) {
      long r = static_cast<long>(i);
      for (int d = 0; ix.parent[static_cast<size_t>(r)] >= 0 && d < kMaxDepth; ++d) r = ix.parent[static_cast<size_t>(r)];
      root[i] = r;
    }
    std::vector<size_t> patches;
    for (size_t i = 0; i < n; ++i)
      if (at[i].sub && !msgs[i].pull && msgs[i].has_diff) patches.push_back(i);
    std::stable_sort(patches.begin(), patches.end(), [&](size_t a, size_t b) { return msgs[a].date < msgs[b].date; });
    for (size_t k = 0; k < patches.size(); ++k) {
      const size_t i = patches[k];
      if (msgs[i].resend || at[i].index != 0 || at[i].total != 0 || msgs[i].version != 1 || at[i].version != 1)
        continue;
      auto kin = [&](size_t e) {
        return root[e] == root[i] && same_author(e, i) && msgs[e].norm_title == msgs[i].norm_title;
      };
      int newest = 0;
      for (size_t j = 0; j < k; ++j)
        if (kin(patches[j]) && msgs[patches[j]].date < msgs[i].date) newest = std::max(newest, at[patches[j]].version);
      if (newest < 1) continue;
      bool named = false;
      for (size_t e : patches)
        if (e != i && kin(e) && msgs[e].version == newest + 1) named = true;
      if (!named) at[i].version = newest + 1;
    }
  }
  auto eff_index = [&](size_t i) { return at[i].index == 0 && at[i].total == 0 ? 1 : at[i].index; };
  auto eff_total = [&](size_t i) { return at[i].total == 0 ? (msgs[i].pull ? 0 : 1) : at[i].total; };

  // 1. Each submission finds its anchor: the topmost ancestor of the same
  //    version that is its cover letter or first patch. A lone patch has no
  //    anchor but itself, even inside another series' thread.
  // A cover letter that undercounts its patches ("[PATCH v2 0/2]" over
  // "[PATCH v2 1/3]" .. "3/3"): the count of its author's patches under it
  // of which one is numbered past the cover letter's (0: it does not).
  std::vector<int> undercount(n, 0);
  for (size_t c = 0; c < n; ++c) {
    if (!at[c].sub || !at[c].cover()) continue;
    for (size_t p : ix.children[c])
      if (at[p].sub && !msgs[p].pull && at[p].version == at[c].version && at[p].index > at[c].total &&
          same_author(p, c))
        undercount[c] = std::max(undercount[c], eff_total(p));
  }
  std::vector<long> anchor_of(n, -1);
  std::vector<long> older_of(n, -1);  // first older-version submission above it
  for (size_t i = 0; i < n; ++i) {
    const auto& m = msgs[i];
    if (!at[i].sub) continue;
    size_t anchor = i;
    if (!m.pull) {
      long p = ix.parent[i];
      for (int d = 0; p >= 0 && d < kMaxDepth; ++d, p = ix.parent[static_cast<size_t>(p)]) {
        const size_t pu = static_cast<size_t>(p);
        if (!at[pu].sub || msgs[pu].pull) continue;
        if (at[pu].version != at[i].version) {
          if (at[pu].version < at[i].version) older_of[i] = p;
          break;
        }
        // A patch its author added past the count of the cover letter above
        // it ("[PATCH 4/4]" under "[PATCH 0/3]") is one more patch of that
        // version, as b4 adds it.
        const bool beyond = at[pu].cover() && same_author(i, pu) &&
                            (at[i].index > at[pu].total || (undercount[pu] > 0 && eff_total(i) == undercount[pu]));
        if ((eff_total(pu) != eff_total(i) && !beyond) || at[i].index == 0) continue;
        if (at[pu].cover()) {
          anchor = pu;
          break;
        }
        if (at[pu].index == 1 && at[i].index > 1) anchor = pu;
      }
    }
    anchor_of[i] = static_cast<long>(anchor);
  }

  // 2. Groups by anchor.
  std::vector<Group> groups;
  std::unordered_map<size_t, size_t> group_of;  // anchor, then member → group
  for (size_t i = 0; i < n; ++i) {
    if (anchor_of[i] < 0) continue;
    size_t a = static_cast<size_t>(anchor_of[i]);
    auto [it, fresh] = group_of.emplace(a, groups.size());
    if (fresh) groups.push_back({a, {}, -1, at[a].version, eff_total(a)});
    groups[it->second].members.push_back(i);
    // "[PATCH 4/4]" added under "[PATCH 0/3]": the version counts 4.
    if (!msgs[i].pull) groups[it->second].total = std::max(groups[it->second].total, eff_total(i));
  }
  group_of.clear();
  for (size_t g = 0; g < groups.size(); ++g)
    for (size_t mi : groups[g].members) group_of[mi] = g;
  // The older version a group replies into (before stitching: group indices).
  auto older_group = [&](const Group& g) -> long {
    for (size_t mi : g.members)
      if (older_of[mi] >= 0) {
        auto it = group_of.find(static_cast<size_t>(older_of[mi]));
        if (it != group_of.end()) return static_cast<long>(it->second);
      }
    return -1;
  };

  // 3. Stitch the patches of one version sent one by one: groups of one
  //    author, version and count within a window, whose first messages have
  //    no thread parent, the same parent, or reply into the same older
  //    version (a v2 sent patch by patch in reply to v1).
  {
    std::vector<size_t> merged(groups.size());
    std::iota(merged.begin(), merged.end(), 0);
    std::function<size_t(size_t)> rootg = [&](size_t x) { return merged[x] == x ? x : merged[x] = rootg(merged[x]); };
    std::vector<long> older(groups.size());
    for (size_t g = 0; g < groups.size(); ++g) older[g] = older_group(groups[g]);
    std::vector<size_t> order(groups.size());
    std::iota(order.begin(), order.end(), 0);
    // Stable: groups sent in the same second stitch in arrival order, so
    // assembling a part of the store (see link_keys()) decides as the whole.
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return msgs[groups[a].anchor].date < msgs[groups[b].anchor].date;
    });
    std::vector<char> dead(groups.size(), 0);
    for (size_t oi = 0; oi < order.size(); ++oi) {
      size_t g = order[oi];
      if (dead[g] || groups[g].total <= 1 || msgs[groups[g].anchor].pull) continue;
      const size_t ga = groups[g].anchor;
      std::set<int> have;
      for (size_t mi : groups[g].members) have.insert(eff_index(mi));
      for (size_t oj = oi + 1; oj < order.size(); ++oj) {
        size_t h = order[oj];
        const size_t ha = groups[h].anchor;
        if (msgs[ha].date - msgs[ga].date > kStitchWindow) break;
        if (dead[h] || groups[h].total != groups[g].total || groups[h].version != groups[g].version ||
            !same_author(ha, ga) || msgs[ha].pull)
          continue;
        const bool same_place = ix.parent[ha] == ix.parent[ga] ||
                                (older[g] >= 0 && older[h] >= 0 &&
                                 rootg(static_cast<size_t>(older[g])) == rootg(static_cast<size_t>(older[h])));
        if (!same_place) continue;
        bool clash = false;
        for (size_t mi : groups[h].members) clash |= have.count(eff_index(mi)) > 0;
        if (clash) continue;
        for (size_t mi : groups[h].members) {
          have.insert(eff_index(mi));
          groups[g].members.push_back(mi);
        }
        dead[h] = 1;
        merged[h] = g;
      }
    }
    std::vector<Group> kept;
    for (size_t g = 0; g < groups.size(); ++g)
      if (!dead[g]) kept.push_back(std::move(groups[g]));
    groups = std::move(kept);
    group_of.clear();
    for (size_t g = 0; g < groups.size(); ++g)
      for (size_t mi : groups[g].members) group_of[mi] = g;
  }
  for (auto& g : groups) {
    std::stable_sort(g.members.begin(), g.members.end(), [&](size_t a, size_t b) {
      const int ia = at[a].cover() ? 0 : eff_index(a), ib = at[b].cover() ? 0 : eff_index(b);
      return ia < ib;
    });
    g.anchor = g.members.front();
    g.prev = older_group(g);
  }

  // 4. Link versions into series: by change-id, by author and title, by
  //    author and a patch id shared with another version, and a new version
  //    sent into the thread of an older one.
  std::vector<size_t> uf(groups.size());
  std::iota(uf.begin(), uf.end(), 0);
  std::function<size_t(size_t)> root = [&](size_t x) { return uf[x] == x ? x : uf[x] = root(uf[x]); };
  auto unite = [&](size_t a, size_t b) { uf[root(a)] = root(b); };
  std::unordered_map<std::string, size_t> by_key;
  auto title_of = [&](const Group& g) -> const MessageFacts& { return msgs[g.members.front()]; };
  for (size_t g = 0; g < groups.size(); ++g) {
    const auto& a = msgs[groups[g].anchor];
    if (a.pull) continue;
    const std::string author = lower(a.from_email);
    std::string change_id = a.change_id;
    for (size_t mi : groups[g].members)
      if (change_id.empty()) change_id = msgs[mi].change_id;
    std::vector<std::string> keys;
    if (!change_id.empty()) keys.push_back("c:" + change_id);
    // The author by address, and by name (a new address between versions).
    const std::string name = lower(a.from_name);
    keys.push_back("t:" + author + "\n" + title_of(groups[g]).norm_title);
    if (!name.empty()) keys.push_back("n:" + name + "\n" + title_of(groups[g]).norm_title);
    for (const auto& k : keys) {
      auto [it, fresh] = by_key.emplace(k, g);
      if (!fresh) unite(g, it->second);
    }
    for (size_t mi : groups[g].members) {
      if (msgs[mi].patch_id.empty()) continue;
      auto [it, fresh] = by_key.emplace("p:" + author + "\n" + msgs[mi].patch_id, g);
      // The same patch in another version (not a resend of the same one).
      if (!fresh && it->second != g && groups[it->second].version != groups[g].version) unite(g, it->second);
    }
    if (groups[g].prev >= 0) unite(g, static_cast<size_t>(groups[g].prev));
  }

  // 5. Build versions with patches and trailers.
  auto collect = [&](size_t start, std::vector<Trailer>& out, std::set<std::string>& seen, bool via_cover) {
    // Every reply below `start` (not a new submission) gives its trailers, in
    // arrival order.
    std::vector<size_t> desc;
    std::vector<size_t> stack(ix.children[start].rbegin(), ix.children[start].rend());
    while (!stack.empty()) {
      size_t c = stack.back();
      stack.pop_back();
      if (at[c].sub) continue;
      desc.push_back(c);
      for (auto it = ix.children[c].rbegin(); it != ix.children[c].rend(); ++it) stack.push_back(*it);
      if (desc.size() > 100000) break;
    }
    std::sort(desc.begin(), desc.end());
    for (size_t d : desc) {
      const auto& dm = msgs[d];
      for (const auto& t : dm.followup_trailers) {
        if (!trailer_acceptable(t, dm.from_name, dm.from_email, opts.sloppy_trailers)) continue;
        // A sign-off in a reply is the sender's own forgotten one; a reply
        // that carries its own diff signs that diff, not the patch.
        if ((t.name == "Signed-off-by" || t.name == "Co-developed-by") && dm.has_diff) continue;
        if (!seen.insert(trailer_key(t)).second) continue;
        out.push_back(t);
        out.back().from = dm.msgid;
        out.back().via_cover = via_cover;
      }
    }
  };

  std::map<size_t, std::vector<size_t>> series_groups;  // root → groups
  for (size_t g = 0; g < groups.size(); ++g) series_groups[root(g)].push_back(g);

  std::vector<Series> out;
  for (auto& [r, gs] : series_groups) {
    std::sort(gs.begin(), gs.end(), [&](size_t a, size_t b) {
      if (groups[a].version != groups[b].version) return groups[a].version < groups[b].version;
      return msgs[groups[a].anchor].date < msgs[groups[b].anchor].date;
    });
    Series s;
    const auto& first = msgs[groups[gs.front()].anchor];
    s.id = series_id(first.msgid);
    s.pull = first.pull;
    long newest_title = -1;
    for (size_t g : gs) {
      const Group& grp = groups[g];
      const auto& a = msgs[grp.anchor];
      SeriesVersion v;
      v.version = grp.version;
      v.date = a.date;
      v.rfc = a.rfc;
      v.resend = a.resend;
      v.expected = grp.total;
      long cover = -1;
      if (at[grp.anchor].cover() || (a.pull && a.index == 0)) cover = static_cast<long>(grp.anchor);
      std::set<int> have;
      for (size_t mi : grp.members) {
        const auto& m = msgs[mi];
        if (static_cast<long>(mi) == cover) continue;
        int idx = eff_index(mi);
        if (!have.insert(idx).second) continue;  // the same patch twice: first wins
        SeriesPatch p;
        p.index = idx;
        p.msgid = m.msgid;
        p.subject = m.subject;
        p.patch_id = m.patch_id;
        s.rust |= m.rust;
        v.patches.push_back(std::move(p));
      }
      // A partial reroll (only some patches resent, in the older thread)
      // carries the missing ones over from the older version, cover included.
      if (grp.prev >= 0 && !v.patches.empty()) {
        const Group& older = groups[static_cast<size_t>(grp.prev)];
        if (older.total == grp.total && static_cast<int>(have.size()) < grp.total) {
          for (size_t mi : older.members) {
            const auto& m = msgs[mi];
            int idx = eff_index(mi);
            if (at[mi].cover() || have.count(idx)) continue;
            SeriesPatch p;
            p.index = idx;
            p.msgid = m.msgid;
            p.subject = m.subject;
            p.patch_id = m.patch_id;
            p.carried = true;
            have.insert(idx);
            v.patches.push_back(std::move(p));
          }
          if (cover < 0 && at[older.anchor].cover()) cover = static_cast<long>(older.anchor);
        }
      }
      std::sort(v.patches.begin(), v.patches.end(),
                [](const SeriesPatch& x, const SeriesPatch& y) { return x.index < y.index; });
      if (cover >= 0) v.cover = msgs[static_cast<size_t>(cover)].msgid;
      for (size_t mi : grp.members)
        if (v.base_commit.empty()) v.base_commit = msgs[mi].base_commit;
      if (cover >= 0 && v.base_commit.empty()) v.base_commit = msgs[static_cast<size_t>(cover)].base_commit;
      if (cover >= 0) v.prerequisites = msgs[static_cast<size_t>(cover)].prerequisites;
      for (size_t mi : grp.members)
        if (v.prerequisites.empty()) v.prerequisites = msgs[mi].prerequisites;

      for (auto& p : v.patches) {
        size_t pi = ix.by_id.at(p.msgid);
        std::set<std::string> seen;
        for (const auto& t : msgs[pi].own_trailers) {
          seen.insert(trailer_key(t));
          p.trailers.push_back(t);
          p.trailers.back().from = p.msgid;
        }
        collect(pi, p.trailers, seen, false);
        if (cover >= 0 && opts.cover_trailers) collect(static_cast<size_t>(cover), p.trailers, seen, true);
      }
      // The version names the series by its cover letter, else its first
      // patch (carried ones included: a partial reroll keeps the title).
      if (cover >= 0) newest_title = cover;
      else if (!v.patches.empty()) newest_title = static_cast<long>(ix.by_id.at(v.patches.front().msgid));
      else newest_title = static_cast<long>(grp.anchor);
      s.versions.push_back(std::move(v));
      if (s.change_id.empty()) s.change_id = a.change_id;
    }
    // Review given to the same patch (same patch id) in another version
    // counts for this one too, as b4 carries it over.
    for (auto& v : s.versions)
      for (auto& p : v.patches) {
        if (p.patch_id.empty()) continue;
        std::set<std::string> seen;
        for (const auto& t : p.trailers) seen.insert(trailer_key(t));
        for (const auto& w : s.versions) {
          if (&w == &v) continue;
          for (const auto& q : w.patches)
            if (q.patch_id == p.patch_id && q.msgid != p.msgid && !q.carried)
              collect(ix.by_id.at(q.msgid), p.trailers, seen, false);
        }
      }
    // The newest version names the series.
    const auto& na = msgs[groups[gs.back()].anchor];
    s.title = msgs[static_cast<size_t>(newest_title)].title;
    s.author_name = na.from_name;
    s.author_email = na.from_email;
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const Series& a, const Series& b) {
    return a.versions.back().date > b.versions.back().date;
  });
  return out;
}

}  // namespace seam::core
