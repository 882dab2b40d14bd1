#include "core/series.hpp"

#include <algorithm>
#include <cctype>
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

int effective_index(const MessageFacts& m) { return m.index == 0 && m.total == 0 ? 1 : m.index; }
int effective_total(const MessageFacts& m) { return m.total == 0 ? (m.pull ? 0 : 1) : m.total; }

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

std::vector<Series> assemble(const std::vector<MessageFacts>& msgs) {
  Index ix(msgs);
  const size_t n = msgs.size();

  // 1. Each submission finds its anchor: the topmost ancestor of the same
  //    version that is its cover letter or first patch.
  std::vector<long> anchor_of(n, -1);
  std::vector<long> older_of(n, -1);  // first older-version submission above it
  for (size_t i = 0; i < n; ++i) {
    const auto& m = msgs[i];
    if (!is_submission(m)) continue;
    size_t anchor = i;
    if (!m.pull) {
      long p = ix.parent[i];
      for (int d = 0; p >= 0 && d < kMaxDepth; ++d, p = ix.parent[static_cast<size_t>(p)]) {
        const auto& pm = msgs[static_cast<size_t>(p)];
        if (!is_submission(pm) || pm.pull) continue;
        if (pm.version != m.version) {
          older_of[i] = p;
          break;
        }
        if (effective_total(pm) != effective_total(m)) continue;
        if (pm.index == 0 || (pm.index == 1 && effective_index(m) > 1)) anchor = static_cast<size_t>(p);
        if (pm.index == 0) break;
      }
    }
    anchor_of[i] = static_cast<long>(anchor);
  }

  // 2. Groups by anchor.
  std::vector<Group> groups;
  std::unordered_map<size_t, size_t> group_of_anchor;
  for (size_t i = 0; i < n; ++i) {
    if (anchor_of[i] < 0) continue;
    size_t a = static_cast<size_t>(anchor_of[i]);
    auto [it, fresh] = group_of_anchor.emplace(a, groups.size());
    if (fresh) groups.push_back({a, {}, -1, msgs[a].version, effective_total(msgs[a])});
    groups[it->second].members.push_back(i);
  }

  // 3. Stitch unthreaded patches: lone groups of a multi-patch series without
  //    a thread parent, by author, version, count and time.
  {
    std::vector<size_t> order(groups.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return msgs[groups[a].anchor].date < msgs[groups[b].anchor].date;
    });
    std::vector<char> dead(groups.size(), 0);
    for (size_t oi = 0; oi < order.size(); ++oi) {
      size_t g = order[oi];
      if (dead[g] || groups[g].total <= 1) continue;
      const auto& am = msgs[groups[g].anchor];
      std::set<int> have;
      for (size_t mi : groups[g].members) have.insert(effective_index(msgs[mi]));
      for (size_t oj = oi + 1; oj < order.size(); ++oj) {
        size_t h = order[oj];
        const auto& hm = msgs[groups[h].anchor];
        if (hm.date - am.date > kStitchWindow) break;
        if (dead[h] || groups[h].total != groups[g].total || hm.version != am.version ||
            lower(hm.from_email) != lower(am.from_email) || ix.parent[groups[h].anchor] >= 0)
          continue;
        bool clash = false;
        for (size_t mi : groups[h].members) clash |= have.count(effective_index(msgs[mi])) > 0;
        if (clash) continue;
        for (size_t mi : groups[h].members) {
          have.insert(effective_index(msgs[mi]));
          groups[g].members.push_back(mi);
        }
        dead[h] = 1;
      }
    }
    std::vector<Group> kept;
    for (size_t g = 0; g < groups.size(); ++g)
      if (!dead[g]) kept.push_back(std::move(groups[g]));
    groups = std::move(kept);
    group_of_anchor.clear();
    for (size_t g = 0; g < groups.size(); ++g)
      for (size_t mi : groups[g].members) group_of_anchor[mi] = g;
  }
  for (auto& g : groups) {
    std::stable_sort(g.members.begin(), g.members.end(), [&](size_t a, size_t b) {
      return effective_index(msgs[a]) < effective_index(msgs[b]);
    });
    for (size_t mi : g.members)
      if (older_of[mi] >= 0) {
        auto it = group_of_anchor.find(static_cast<size_t>(older_of[mi]));
        if (it != group_of_anchor.end()) g.prev = static_cast<long>(it->second);
        break;
      }
  }

  // 4. Link versions into series: change-id, else author and title, and a
  //    new version sent into the thread of an older one.
  std::vector<size_t> uf(groups.size());
  std::iota(uf.begin(), uf.end(), 0);
  std::function<size_t(size_t)> root = [&](size_t x) { return uf[x] == x ? x : uf[x] = root(uf[x]); };
  auto unite = [&](size_t a, size_t b) { uf[root(a)] = root(b); };
  std::unordered_map<std::string, size_t> by_key;
  auto title_of = [&](const Group& g) -> const MessageFacts& { return msgs[g.members.front()]; };
  for (size_t g = 0; g < groups.size(); ++g) {
    const auto& a = msgs[groups[g].anchor];
    if (a.pull) continue;
    std::string change_id = a.change_id;
    for (size_t mi : groups[g].members)
      if (change_id.empty()) change_id = msgs[mi].change_id;
    std::vector<std::string> keys;
    if (!change_id.empty()) keys.push_back("c:" + change_id);
    else keys.push_back("t:" + lower(a.from_email) + "\n" + title_of(groups[g]).norm_title);
    for (const auto& k : keys) {
      auto [it, fresh] = by_key.emplace(k, g);
      if (!fresh) unite(g, it->second);
    }
    if (groups[g].prev >= 0) unite(g, static_cast<size_t>(groups[g].prev));
  }

  // 5. Build versions with patches and trailers.
  auto collect = [&](size_t start, std::vector<Trailer>& out, std::set<std::string>& seen) {
    // Every reply below `start` (not a new submission) gives its trailers, in
    // arrival order.
    std::vector<size_t> desc;
    std::vector<size_t> stack(ix.children[start].rbegin(), ix.children[start].rend());
    while (!stack.empty()) {
      size_t c = stack.back();
      stack.pop_back();
      if (is_submission(msgs[c])) continue;
      desc.push_back(c);
      for (auto it = ix.children[c].rbegin(); it != ix.children[c].rend(); ++it) stack.push_back(*it);
      if (desc.size() > 100000) break;
    }
    std::sort(desc.begin(), desc.end());
    for (size_t d : desc)
      for (const auto& t : msgs[d].followup_trailers)
        if (seen.insert(trailer_key(t)).second) {
          out.push_back(t);
          out.back().from = msgs[d].msgid;
        }
  };

  std::map<size_t, std::vector<size_t>> series_groups;  // root → groups
  for (size_t g = 0; g < groups.size(); ++g) series_groups[root(g)].push_back(g);

  std::vector<Series> out;
  for (auto& [r, gs] : series_groups) {
    std::sort(gs.begin(), gs.end(), [&](size_t a, size_t b) {
      const auto& ma = msgs[groups[a].anchor];
      const auto& mb = msgs[groups[b].anchor];
      if (ma.version != mb.version) return ma.version < mb.version;
      return ma.date < mb.date;
    });
    Series s;
    const auto& first = msgs[groups[gs.front()].anchor];
    s.id = series_id(first.msgid);
    s.pull = first.pull;
    for (size_t g : gs) {
      const Group& grp = groups[g];
      const auto& a = msgs[grp.anchor];
      SeriesVersion v;
      v.version = a.version;
      v.date = a.date;
      v.rfc = a.rfc;
      v.resend = a.resend;
      v.expected = grp.total;
      long cover = -1;
      if (a.index == 0 && (a.total > 0 || a.pull)) cover = static_cast<long>(grp.anchor);
      std::set<int> have;
      for (size_t mi : grp.members) {
        const auto& m = msgs[mi];
        if (static_cast<long>(mi) == cover) continue;
        int idx = effective_index(m);
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
            int idx = effective_index(m);
            if (m.index == 0 || have.count(idx)) continue;
            SeriesPatch p;
            p.index = idx;
            p.msgid = m.msgid;
            p.subject = m.subject;
            p.patch_id = m.patch_id;
            p.carried = true;
            have.insert(idx);
            v.patches.push_back(std::move(p));
          }
          const auto& oa = msgs[older.anchor];
          if (cover < 0 && oa.index == 0 && oa.total > 0) cover = static_cast<long>(older.anchor);
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
        collect(pi, p.trailers, seen);
        if (cover >= 0) collect(static_cast<size_t>(cover), p.trailers, seen);
      }
      s.versions.push_back(std::move(v));
      if (s.change_id.empty()) s.change_id = a.change_id;
    }
    // The newest version names the series.
    const Group& newest = groups[gs.back()];
    const auto& na = msgs[newest.anchor];
    s.title = na.title;
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
