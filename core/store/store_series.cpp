// The series half of the store: facts in, assembled series out.
#include <algorithm>
#include <functional>
#include <future>
#include <set>
#include <tuple>

#include "core/store/store.hpp"

namespace seam::core {

namespace {

const char* const kFactsColumns =
    "SELECT m.id, m.msgid, m.from_name, m.from_email, m.date, m.subject, m.in_reply_to, "
    "f.reply, f.has_patch_tag, f.pull, f.rfc, f.resend, f.version, f.idx, f.total, f.title, "
    "f.norm_title, f.has_diff, f.patch_id, f.change_id, f.base_commit, f.rust, f.prerequisites "
    "FROM messages m JOIN facts f ON f.message_id=m.id ";

MessageFacts read_facts(const Statement& st) {
  MessageFacts m;
  m.msgid = st.text(1);
  m.from_name = st.text(2);
  m.from_email = st.text(3);
  m.date = st.int64(4);
  m.subject = st.text(5);
  m.in_reply_to = st.text(6);
  m.reply = st.int64(7) != 0;
  m.has_patch_tag = st.int64(8) != 0;
  m.pull = st.int64(9) != 0;
  m.rfc = st.int64(10) != 0;
  m.resend = st.int64(11) != 0;
  m.version = static_cast<int>(st.int64(12));
  m.index = static_cast<int>(st.int64(13));
  m.total = static_cast<int>(st.int64(14));
  m.title = st.text(15);
  m.norm_title = st.text(16);
  m.has_diff = st.int64(17) != 0;
  m.patch_id = st.text(18);
  m.change_id = st.text(19);
  m.base_commit = st.text(20);
  m.rust = st.int64(21) != 0;
  m.prerequisites = st.text(22);
  return m;
}

// Every stored message of series ?1: its patches, cover letters and the
// replies its collected trailers came from.
const char* const kSeriesMembers =
    "SELECT m.id FROM series_versions v JOIN series_patches p ON p.version_id=v.id "
    "JOIN messages m ON m.msgid=p.msgid WHERE v.series_id=?1 "
    "UNION SELECT m.id FROM series_versions v JOIN messages m ON m.msgid=v.cover WHERE v.series_id=?1 "
    "UNION SELECT m.id FROM series_versions v JOIN series_trailers t ON t.version_id=v.id "
    "JOIN messages m ON m.msgid=t.from_msgid WHERE v.series_id=?1";

// Thrown by series_written() to undo a write of series whose facts are no
// longer the newest (see assemble_stale()).
struct AssemblyOutdated {};

// New mail touching more than this many messages (or this many new messages)
// is assembled with the whole store: one pass over everything is then
// cheaper than following links message by message.
constexpr size_t kIncrementalLimit = 5000;

// series_keys holds a 64-bit FNV-1a hash of each link key rather than its
// text (a fifth of the store's size otherwise). Two keys that collide only
// widen the set of messages assembled again, which stays correct.
int64_t key_hash(std::string_view key) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<int64_t>(h);
}

// Components of a full assembly: union-find over message positions.
class Components {
 public:
  explicit Components(size_t n) : parent_(n) {
    for (size_t i = 0; i < n; ++i) parent_[i] = static_cast<uint32_t>(i);
  }
  uint32_t find(uint32_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  void join(uint32_t a, uint32_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);  // the root is the earliest message
  }

 private:
  std::vector<uint32_t> parent_;
};

}  // namespace

std::vector<MessageFacts> Store::load_facts() {
  std::vector<int64_t> rowids;
  return load_facts_of(nullptr, rowids);
}

std::vector<MessageFacts> Store::load_facts_of(const std::vector<int64_t>* ids, std::vector<int64_t>& rowids) {
  rowids.clear();
  if (!ids) {
    // Every message: sized once (growing by doubling held up to twice its
    // size at the copy).
    Statement n(db_.get(), "SELECT count(*) FROM facts");
    const size_t count = n.step() ? static_cast<size_t>(n.int64(0)) : 0;
    return facts_in_range(INT64_MIN, INT64_MAX, count, [](int64_t) { return true; }, rowids);
  }
  std::vector<MessageFacts> out;
  Statement st(db_.get(), std::string(kFactsColumns) + "WHERE m.id=?1");
  Statement refs(db_.get(), "SELECT ref FROM refs WHERE message_id=?1 ORDER BY position");
  Statement tr(db_.get(),
               "SELECT followup, name, value, email FROM body_trailers WHERE message_id=?1 "
               "ORDER BY followup, position");
  for (int64_t id : *ids) {
    st.bind(1, id);
    if (!st.step()) {
      st.reset();
      continue;
    }
    MessageFacts m = read_facts(st);
    st.reset();
    refs.bind(1, id);
    while (refs.step()) m.references.push_back(refs.text(0));
    refs.reset();
    tr.bind(1, id);
    while (tr.step()) {
      Trailer t{tr.text(1), tr.text(2), tr.text(3), m.msgid, false};
      (tr.int64(0) ? m.followup_trailers : m.own_trailers).push_back(std::move(t));
    }
    tr.reset();
    rowids.push_back(id);
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<MessageFacts> Store::facts_in_range(int64_t lowest, int64_t highest, size_t expected,
                                                const std::function<bool(int64_t)>& keep,
                                                std::vector<int64_t>& rowids) {
  std::vector<MessageFacts> out;
  rowids.clear();
  out.reserve(expected);
  rowids.reserve(expected);
  Statement st(db_.get(), std::string(kFactsColumns) + "WHERE m.id BETWEEN ?1 AND ?2 ORDER BY m.id");
  st.bind(1, lowest).bind(2, highest);
  while (st.step()) {
    const int64_t id = st.int64(0);
    if (!keep(id)) continue;
    rowids.push_back(id);
    out.push_back(read_facts(st));
  }
  // Rows found by binary search in `rowids` (ascending, as read) rather
  // than through a hash map beside them.
  auto at = [&](int64_t id) -> MessageFacts* {
    auto it = std::lower_bound(rowids.begin(), rowids.end(), id);
    return it != rowids.end() && *it == id ? &out[static_cast<size_t>(it - rowids.begin())] : nullptr;
  };
  Statement refs(db_.get(),
                 "SELECT message_id, ref FROM refs WHERE message_id BETWEEN ?1 AND ?2 ORDER BY message_id, position");
  refs.bind(1, lowest).bind(2, highest);
  while (refs.step())
    if (MessageFacts* m = at(refs.int64(0))) m->references.push_back(refs.text(1));
  Statement tr(db_.get(),
               "SELECT message_id, followup, name, value, email FROM body_trailers "
               "WHERE message_id BETWEEN ?1 AND ?2 ORDER BY message_id, followup, position");
  tr.bind(1, lowest).bind(2, highest);
  while (tr.step()) {
    MessageFacts* found = at(tr.int64(0));
    if (!found) continue;
    auto& m = *found;
    Trailer t{tr.text(2), tr.text(3), tr.text(4), m.msgid, false};
    (tr.int64(1) ? m.followup_trailers : m.own_trailers).push_back(std::move(t));
  }
  return out;
}

Store::AssemblyPlan Store::plan_assembly(Statement* keys) {
  AssemblyPlan plan;
  // What joins two messages, as (hash, position) pairs joined when their
  // hashes are equal: a message's own Message-ID and every id it names
  // (In-Reply-To, References), whether that message is stored or not, and
  // every key of link_keys() that is not dated. A superset of the links
  // affected_messages() follows (a hash collision only joins more).
  std::vector<std::pair<int64_t, uint32_t>> ids, exact;
  struct Dated {
    int64_t hash, date;
    uint32_t at;
  };
  std::vector<Dated> dated;
  // The keys to write, in the index's order: appending to the b-tree takes
  // about half the time of inserting at random places.
  struct KeyRow {
    int64_t hash, date, rowid;
    bool operator<(const KeyRow& o) const { return std::tie(hash, date, rowid) < std::tie(o.hash, o.date, o.rowid); }
  };
  std::vector<KeyRow> rows;
  {
    Statement n(db_.get(), "SELECT count(*) FROM facts");
    const size_t count = n.step() ? static_cast<size_t>(n.int64(0)) : 0;
    plan.rowids.reserve(count);
    ids.reserve(count * 2);
    Statement st(db_.get(), std::string(kFactsColumns) + "ORDER BY m.id");
    while (st.step()) {
      const auto at = static_cast<uint32_t>(plan.rowids.size());
      const int64_t rowid = st.int64(0);
      plan.rowids.push_back(rowid);
      const MessageFacts m = read_facts(st);
      if (!m.msgid.empty()) ids.emplace_back(key_hash(m.msgid), at);
      if (!m.in_reply_to.empty()) ids.emplace_back(key_hash(m.in_reply_to), at);
      for (const auto& k : link_keys(m)) {
        const int64_t h = key_hash(k.key);
        if (keys) rows.push_back({h, m.date, rowid});
        if (k.dated) dated.push_back({h, m.date, at});
        else exact.emplace_back(h, at);
      }
    }
  }
  std::sort(rows.begin(), rows.end());
  for (const auto& k : rows) keys->bind(1, k.hash).bind(2, k.date).bind(3, k.rowid).run();
  std::vector<KeyRow>().swap(rows);
  const size_t n = plan.rowids.size();
  {
    Statement refs(db_.get(), "SELECT message_id, ref FROM refs ORDER BY message_id, position");
    size_t at = 0;
    while (refs.step()) {
      const int64_t id = refs.int64(0);
      while (at < n && plan.rowids[at] < id) ++at;
      if (at == n) break;
      if (plan.rowids[at] != id) continue;
      const std::string ref = refs.text(1);
      if (!ref.empty()) ids.emplace_back(key_hash(ref), static_cast<uint32_t>(at));
    }
  }
  Components c(n);
  for (auto* pairs : {&ids, &exact}) {
    std::sort(pairs->begin(), pairs->end());
    for (size_t i = 1; i < pairs->size(); ++i)
      if ((*pairs)[i].first == (*pairs)[i - 1].first) c.join((*pairs)[i].second, (*pairs)[i - 1].second);
    std::vector<std::pair<int64_t, uint32_t>>().swap(*pairs);
  }
  // A dated key joins messages within series_stitch_window() of each other,
  // and so on along the chain (as affected_messages() follows it): next
  // neighbours in time, when that close, are enough.
  const int64_t window = series_stitch_window();
  std::sort(dated.begin(), dated.end(),
            [](const Dated& a, const Dated& b) { return a.hash != b.hash ? a.hash < b.hash : a.date < b.date; });
  for (size_t i = 1; i < dated.size(); ++i)
    if (dated[i].hash == dated[i - 1].hash && dated[i].date - dated[i - 1].date <= window)
      c.join(dated[i].at, dated[i - 1].at);
  std::vector<Dated>().swap(dated);

  // Parts: whole components, in the order of their first message, filled
  // up to part_limit_ messages. A component's root is its first message.
  std::vector<uint32_t> size(n, 0);
  for (uint32_t i = 0; i < n; ++i) ++size[c.find(i)];
  plan.part.assign(n, 0);
  size_t filled = 0;  // messages of the components given to the last part
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t root = c.find(i);
    if (root == i) {
      if (plan.parts.empty() || (filled > 0 && filled + size[i] > part_limit_)) {
        plan.parts.push_back({0, plan.rowids[i], plan.rowids[i]});
        filled = 0;
      }
      filled += size[i];
      plan.part[i] = static_cast<uint32_t>(plan.parts.size() - 1);
    } else {
      plan.part[i] = plan.part[root];
    }
    auto& p = plan.parts[plan.part[i]];
    ++p.messages;
    p.highest = std::max(p.highest, plan.rowids[i]);
  }
  return plan;
}

std::vector<MessageFacts> Store::load_part(const AssemblyPlan& plan, uint32_t part, std::vector<int64_t>& rowids) {
  const auto& p = plan.parts[part];
  const auto first = std::lower_bound(plan.rowids.begin(), plan.rowids.end(), p.lowest) - plan.rowids.begin();
  const auto last = std::upper_bound(plan.rowids.begin(), plan.rowids.end(), p.highest) - plan.rowids.begin();
  const auto in_range = static_cast<size_t>(last - first);
  if (in_range > 4 * p.messages) {
    // A part spread thin over the store (a thread alive for years): its
    // messages one by one rather than every row between them.
    std::vector<int64_t> ids;
    ids.reserve(p.messages);
    for (auto i = first; i < last; ++i)
      if (plan.part[static_cast<size_t>(i)] == part) ids.push_back(plan.rowids[static_cast<size_t>(i)]);
    return load_facts_of(&ids, rowids);
  }
  auto keep = [&plan, part](int64_t id) {
    const auto it = std::lower_bound(plan.rowids.begin(), plan.rowids.end(), id);
    return it != plan.rowids.end() && *it == id && plan.part[static_cast<size_t>(it - plan.rowids.begin())] == part;
  };
  return facts_in_range(p.lowest, p.highest, p.messages, keep, rowids);
}

std::vector<MessageFacts> Store::load_facts_around(const std::string& series_id) {
  exec(db_.get(), "BEGIN");
  try {
    Statement members(db_.get(), kSeriesMembers);
    members.bind(1, series_id);
    std::vector<int64_t> seeds, rowids;
    while (members.step()) seeds.push_back(members.int64(0));
    std::vector<MessageFacts> out;
    if (!seeds.empty()) {
      const auto ids = affected_messages(seeds, SIZE_MAX);
      if (ids) out = load_facts_of(&*ids, rowids);
    }
    exec(db_.get(), "COMMIT");
    return out;
  } catch (...) {
    exec(db_.get(), "ROLLBACK");
    throw;
  }
}

std::optional<std::vector<int64_t>> Store::affected_messages(const std::vector<int64_t>& seeds, size_t limit) {
  // Breadth-first over two kinds of link, both symmetric and both read from
  // facts that never change once stored, so the set is closed for the store
  // before the new mail as well as after it:
  //  - a thread link: one message names the other in In-Reply-To or
  //    References (any of them, not only the parent assembly picks: a late
  //    message can change which parent that is);
  //  - a shared link_keys() key (change-id, author and title, patch id; the
  //    stitching keys within their time window).
  // Every series a message of the set is part of, before or after, then
  // holds only messages of the set: replacing those series with the
  // assembly of the set gives what assembling everything gives. The
  // messages of the stored series the set reaches are followed too, so that
  // a series stays whole even if what once linked it is no longer in the
  // facts (facts never change today; this keeps it true if they do).
  Statement by_msgid(db_.get(), "SELECT id FROM messages WHERE msgid=?1");
  Statement citing(db_.get(),
                   "SELECT message_id FROM refs WHERE ref=?1 UNION SELECT id FROM messages WHERE in_reply_to=?1");
  Statement exact(db_.get(), "SELECT message_id FROM series_keys WHERE key=?1");
  Statement dated(db_.get(), "SELECT message_id FROM series_keys WHERE key=?1 AND date BETWEEN ?2 AND ?3");
  Statement of_series(db_.get(),
                      "SELECT v.series_id FROM series_patches p JOIN series_versions v ON v.id=p.version_id "
                      "WHERE p.msgid=?1 UNION SELECT series_id FROM series_versions WHERE cover=?1");
  Statement members(db_.get(), kSeriesMembers);
  std::set<std::string> series_done;
  std::set<int64_t> seen(seeds.begin(), seeds.end());
  std::vector<int64_t> todo(seen.begin(), seen.end());
  std::set<std::string> keys_done, ids_done;
  auto add = [&](Statement& q) {
    while (q.step())
      if (seen.insert(q.int64(0)).second) todo.push_back(q.int64(0));
    q.reset();
  };
  std::vector<int64_t> rowids;
  const int64_t window = series_stitch_window();
  while (!todo.empty()) {
    if (seen.size() > limit) return std::nullopt;
    std::vector<int64_t> batch;
    batch.swap(todo);
    for (const auto& m : load_facts_of(&batch, rowids)) {
      if (ids_done.insert(m.msgid).second) {
        citing.bind(1, m.msgid);
        add(citing);
      }
      auto named = m.references;
      if (!m.in_reply_to.empty()) named.push_back(m.in_reply_to);
      for (const auto& r : named) {
        if (r.empty()) continue;
        by_msgid.bind(1, r);
        add(by_msgid);
      }
      std::vector<std::string> held;
      of_series.bind(1, m.msgid);
      while (of_series.step())
        if (series_done.insert(of_series.text(0)).second) held.push_back(of_series.text(0));
      of_series.reset();
      for (const auto& id : held) {
        members.bind(1, id);
        add(members);
      }
      for (const auto& k : link_keys(m)) {
        if (!k.dated) {
          if (!keys_done.insert(k.key).second) continue;
          exact.bind(1, key_hash(k.key));
          add(exact);
        } else {
          dated.bind(1, key_hash(k.key)).bind(2, m.date - window).bind(3, m.date + window);
          add(dated);
        }
      }
    }
  }
  if (seen.size() > limit) return std::nullopt;
  return std::vector<int64_t>(seen.begin(), seen.end());
}

void Store::delete_series_of(const std::vector<MessageFacts>& msgs) {
  Statement by_cover(db_.get(), "SELECT series_id FROM series_versions WHERE cover=?1");
  Statement by_patch(db_.get(),
                     "SELECT v.series_id FROM series_patches p JOIN series_versions v ON v.id=p.version_id "
                     "WHERE p.msgid=?1");
  std::set<std::string> ids;
  for (const auto& m : msgs) {
    for (Statement* q : {&by_cover, &by_patch}) {
      q->bind(1, m.msgid);
      while (q->step()) ids.insert(q->text(0));
      q->reset();
    }
  }
  Statement tr(db_.get(),
               "DELETE FROM series_trailers WHERE version_id IN (SELECT id FROM series_versions WHERE series_id=?1)");
  Statement pa(db_.get(),
               "DELETE FROM series_patches WHERE version_id IN (SELECT id FROM series_versions WHERE series_id=?1)");
  Statement ve(db_.get(), "DELETE FROM series_versions WHERE series_id=?1");
  Statement se(db_.get(), "DELETE FROM series WHERE id=?1");
  for (const auto& id : ids)
    for (Statement* q : {&tr, &pa, &ve, &se}) q->bind(1, id).run();
}

void Store::write_link_keys(const std::vector<MessageFacts>& msgs, const std::vector<int64_t>& rowids) {
  Statement ins(db_.get(), "INSERT OR IGNORE INTO series_keys(key, date, message_id) VALUES(?1,?2,?3)");
  for (size_t i = 0; i < msgs.size(); ++i)
    for (const auto& k : link_keys(msgs[i])) ins.bind(1, key_hash(k.key)).bind(2, msgs[i].date).bind(3, rowids[i]).run();
}

Store::Assembly Store::rebuild_series() {
  for (int attempt = 0;; ++attempt) {
    // Until no other writer commits between the read and the write (a few
    // tries; then the series stay as they were, stale for the next refresh).
    Assembly a = assemble_stale(true);
    if (a.assembled || attempt >= 3) return a;
  }
}

bool Store::refresh_series() { return refresh_series_report().assembled; }

Store::Assembly Store::refresh_series_report() {
  // Another writer (an ingest, a reader refreshing too) may commit between
  // the read of the facts and the write of the series; the write then checks
  // the mark under the write lock and is undone when the facts it assembled
  // are no longer the newest. The ingest that commits last always finds its
  // own mark, so a few tries are enough; a reader that gives up meanwhile
  // shows the series of the last complete assembly.
  for (int attempt = 0; attempt < 4; ++attempt) {
    Assembly a = assemble_stale(false);
    if (a.assembled || a.messages < 0) return {a.assembled, a.full, std::max<int64_t>(a.messages, 0), a.series, a.parts};
  }
  return {};
}

// One try: read (one read transaction), assemble, write (one write
// transaction, undone when another writer committed meanwhile). `messages`
// is -1 when nothing was stale.
Store::Assembly Store::assemble_stale(bool full) {
  std::vector<MessageFacts> facts;
  std::vector<int64_t> rowids, dirty;
  int64_t mark = 0;
  // One read transaction: the facts, references and trailers of one
  // moment, and the mark as it was then.
  exec(db_.get(), "BEGIN");
  try {
    Statement st(db_.get(), "SELECT stale FROM series_state WHERE id = 1");
    mark = st.step() ? st.int64(0) : 0;
    if (mark != 0 || full) {
      Statement d(db_.get(), "SELECT message_id FROM series_dirty ORDER BY message_id");
      while (d.step()) dirty.push_back(d.int64(0));
      std::optional<std::vector<int64_t>> affected;
      if (!full && dirty.size() <= kIncrementalLimit) affected = affected_messages(dirty, kIncrementalLimit);
      full = full || !affected;
      if (!full) facts = load_facts_of(&*affected, rowids);
    }
    exec(db_.get(), "COMMIT");
  } catch (...) {
    exec(db_.get(), "ROLLBACK");
    throw;
  }
  if (full) return assemble_all();
  if (mark == 0) return {false, false, -1, 0};
  // Assembly is computation alone: it runs on a second core while this
  // thread clears the old series and writes the link keys.
  const auto facts_count = static_cast<int64_t>(facts.size());
  auto assembled = std::async(std::launch::async, [&facts] { return assemble(facts); });
  std::vector<Series> series;
  assembling_ = mark;
  try {
    begin();
  } catch (...) {
    assembled.wait();
    assembling_.reset();
    throw;
  }
  try {
    delete_series_of(facts);
    std::vector<MessageFacts> fresh;
    std::vector<int64_t> fresh_ids;
    for (size_t i = 0, j = 0; i < rowids.size(); ++i) {
      while (j < dirty.size() && dirty[j] < rowids[i]) ++j;
      if (j < dirty.size() && dirty[j] == rowids[i]) {
        fresh.push_back(facts[i]);
        fresh_ids.push_back(rowids[i]);
      }
    }
    write_link_keys(fresh, fresh_ids);
    series = assembled.get();
    // The facts are done with: their memory goes before the series are written.
    std::vector<MessageFacts>().swap(facts);
    write_series(series);
    // The mark is unchanged (series_written() checks): no message came in
    // since the read, so every new one was assembled.
    series_written();
    exec(db_.get(), "DELETE FROM series_dirty");
    commit();
  } catch (const AssemblyOutdated&) {
    if (assembled.valid()) assembled.wait();
    assembling_.reset();
    rollback();
    return {false, false, facts_count, 0};
  } catch (...) {
    if (assembled.valid()) assembled.wait();
    assembling_.reset();
    rollback();
    throw;
  }
  assembling_.reset();
  return {true, false, facts_count, static_cast<int64_t>(series.size())};
}

Store::Assembly Store::assemble_all() {
  // One write transaction from the first read: no other writer can commit
  // between the facts read and the series written, and readers see the old
  // series until the commit. Part after part, the next part's assembly runs
  // on a second core while this thread writes the series of the last.
  begin();
  std::vector<MessageFacts> facts, next;
  std::future<std::vector<Series>> assembled;
  try {
    {
      Statement st(db_.get(), "SELECT stale FROM series_state WHERE id = 1");
      assembling_ = st.step() ? st.int64(0) : 0;
    }
    exec(db_.get(),
         "DELETE FROM series_trailers; DELETE FROM series_patches; DELETE FROM series_versions; "
         "DELETE FROM series; DELETE FROM series_keys;");
    AssemblyPlan plan;
    {
      Statement keys(db_.get(), "INSERT OR IGNORE INTO series_keys(key, date, message_id) VALUES(?1,?2,?3)");
      plan = plan_assembly(&keys);
    }
    std::vector<int64_t> ids;
    const auto parts = static_cast<uint32_t>(plan.parts.size());
    if (parts > 0) {
      facts = load_part(plan, 0, ids);
      assembled = std::async(std::launch::async, [&facts] { return assemble(facts); });
    }
    int64_t written = 0;
    for (uint32_t p = 0; p < parts; ++p) {
      if (p + 1 < parts) next = load_part(plan, p + 1, ids);
      std::vector<Series> series = assembled.get();
      facts.swap(next);
      std::vector<MessageFacts>().swap(next);
      if (p + 1 < parts) assembled = std::async(std::launch::async, [&facts] { return assemble(facts); });
      write_series(series);
      written += static_cast<int64_t>(series.size());
    }
    series_written();
    exec(db_.get(), "DELETE FROM series_dirty");
    commit();
    assembling_.reset();
    return {true, true, static_cast<int64_t>(plan.rowids.size()), written, parts};
  } catch (const AssemblyOutdated&) {
    if (assembled.valid()) assembled.wait();
    assembling_.reset();
    rollback();
    return {false, true, 0, 0};
  } catch (...) {
    if (assembled.valid()) assembled.wait();
    assembling_.reset();
    rollback();
    throw;
  }
}

void Store::series_written() {
  test_kill_point("assembly");
  if (!assembling_) return;
  Statement st(db_.get(), "SELECT stale FROM series_state WHERE id = 1");
  if (!st.step() || st.int64(0) != *assembling_) throw AssemblyOutdated{};
  exec(db_.get(), "UPDATE series_state SET stale = 0 WHERE id = 1");
}

void Store::replace_series(const std::vector<Series>& series) {
  begin();
  try {
    exec(db_.get(),
         "DELETE FROM series_trailers; DELETE FROM series_patches; DELETE FROM series_versions; "
         "DELETE FROM series;");
    write_series(series);
    series_written();
    commit();
  } catch (...) {
    rollback();
    throw;
  }
}

void Store::write_series(const std::vector<Series>& series) {
  Statement s(db_.get(),
              "INSERT OR REPLACE INTO series(id, title, author_name, author_email, change_id, pull, "
              "newest_date, rust) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)");
  Statement v(db_.get(),
              "INSERT INTO series_versions(series_id, position, version, cover, expected, date, rfc, "
              "resend, base_commit, prerequisites) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
  Statement p(db_.get(),
              "INSERT OR IGNORE INTO series_patches(version_id, idx, msgid, subject, patch_id, carried) "
              "VALUES(?1,?2,?3,?4,?5,?6)");
  Statement t(db_.get(),
              "INSERT OR IGNORE INTO series_trailers(version_id, idx, position, name, value, email, "
              "from_msgid, via_cover) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)");
  for (const auto& se : series) {
    s.bind(1, se.id).bind(2, se.title).bind(3, se.author_name).bind(4, se.author_email)
        .bind(5, se.change_id).bind(6, int64_t{se.pull})
        .bind(7, se.versions.empty() ? int64_t{0} : se.versions.back().date)
        .bind(8, int64_t{se.rust}).run();
    int64_t pos = 0;
    for (const auto& ve : se.versions) {
      v.bind(1, se.id).bind(2, pos++).bind(3, int64_t{ve.version});
      if (ve.cover) v.bind(4, *ve.cover);
      else v.bind_null(4);
      v.bind(5, int64_t{ve.expected}).bind(6, ve.date).bind(7, int64_t{ve.rfc})
          .bind(8, int64_t{ve.resend}).bind(9, ve.base_commit).bind(10, ve.prerequisites).run();
      const int64_t vid = sqlite3_last_insert_rowid(db_.get());
      for (const auto& pa : ve.patches) {
        p.bind(1, vid).bind(2, int64_t{pa.index}).bind(3, pa.msgid).bind(4, pa.subject)
            .bind(5, pa.patch_id).bind(6, int64_t{pa.carried}).run();
        // Only what review added: the patch's own trailers are in body_trailers.
        int64_t tpos = 0;
        for (const auto& tr : pa.trailers)
          if (tr.from != pa.msgid)
            t.bind(1, vid).bind(2, int64_t{pa.index}).bind(3, tpos++).bind(4, tr.name).bind(5, tr.value)
              .bind(6, tr.email).bind(7, tr.from).bind(8, int64_t{tr.via_cover}).run();
      }
    }
  }
}

std::vector<Series> Store::load_series(const SeriesFilter& f) {
  std::string sql =
      "SELECT id, title, author_name, author_email, change_id, pull, rust FROM series WHERE 1=1";
  if (f.rust_only) sql += " AND rust=1";
  if (f.since) sql += " AND newest_date >= ?1";
  if (!f.author.empty()) sql += " AND (instr(lower(author_name), lower(?2)) OR instr(lower(author_email), lower(?2)))";
  if (!f.id.empty()) sql += " AND id = ?3";
  sql += " ORDER BY newest_date DESC, id";
  Statement st(db_.get(), sql);
  if (f.since) st.bind(1, *f.since);
  if (!f.author.empty()) st.bind(2, f.author);
  if (!f.id.empty()) st.bind(3, f.id);
  std::vector<Series> out;
  Statement vs(db_.get(),
               "SELECT id, version, cover, expected, date, rfc, resend, base_commit, prerequisites FROM series_versions "
               "WHERE series_id=?1 ORDER BY position");
  Statement ps(db_.get(),
               "SELECT idx, msgid, subject, patch_id, carried FROM series_patches WHERE version_id=?1 "
               "ORDER BY idx");
  Statement own(db_.get(),
                "SELECT b.name, b.value, b.email FROM body_trailers b JOIN messages m ON m.id=b.message_id "
                "WHERE m.msgid=?1 AND b.followup=0 ORDER BY b.position");
  Statement ts(db_.get(),
               "SELECT idx, name, value, email, from_msgid, via_cover FROM series_trailers WHERE version_id=?1 "
               "ORDER BY idx, position");
  while (st.step()) {
    Series s;
    s.id = st.text(0);
    s.title = st.text(1);
    s.author_name = st.text(2);
    s.author_email = st.text(3);
    s.change_id = st.text(4);
    s.pull = st.int64(5) != 0;
    s.rust = st.int64(6) != 0;
    vs.bind(1, s.id);
    while (vs.step()) {
      SeriesVersion v;
      const int64_t vid = vs.int64(0);
      v.version = static_cast<int>(vs.int64(1));
      if (!vs.is_null(2)) v.cover = vs.text(2);
      v.expected = static_cast<int>(vs.int64(3));
      v.date = vs.int64(4);
      v.rfc = vs.int64(5) != 0;
      v.resend = vs.int64(6) != 0;
      v.base_commit = vs.text(7);
      v.prerequisites = vs.text(8);
      ps.bind(1, vid);
      while (ps.step())
        v.patches.push_back({static_cast<int>(ps.int64(0)), ps.text(1), ps.text(2), ps.text(3),
                             ps.int64(4) != 0, {}});
      ps.reset();
      for (auto& p : v.patches) {
        own.bind(1, p.msgid);
        while (own.step()) p.trailers.push_back({own.text(0), own.text(1), own.text(2), p.msgid, false});
        own.reset();
      }
      ts.bind(1, vid);
      while (ts.step()) {
        const int idx = static_cast<int>(ts.int64(0));
        for (auto& p : v.patches)
          if (p.index == idx) p.trailers.push_back({ts.text(1), ts.text(2), ts.text(3), ts.text(4), ts.int64(5) != 0});
      }
      ts.reset();
      s.versions.push_back(std::move(v));
    }
    vs.reset();
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::string> Store::series_with_prefix(std::string_view given, size_t limit) {
  std::vector<std::string> out;
  if (given.size() < kMinSeriesPrefix || given.size() >= 12) return out;
  std::string prefix(given);
  for (char& c : prefix) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');  // as git, any case
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return out;
  }
  // Ids are lowercase hex: those starting with `prefix` sort in [prefix, prefix + 'g').
  Statement st(db_.get(), "SELECT id FROM series WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT ?3");
  st.bind(1, prefix).bind(2, std::string(prefix) + "g").bind(3, static_cast<int64_t>(limit));
  while (st.step()) out.push_back(st.text(0));
  return out;
}

std::optional<std::string> Store::series_of(std::string_view key) {
  std::string k(key);
  if (k.size() > 2 && k.front() == '<' && k.back() == '>') k = k.substr(1, k.size() - 2);
  Statement byid(db_.get(), "SELECT id FROM series WHERE id=?1");
  byid.bind(1, k);
  if (byid.step()) return byid.text(0);
  // A patch or cover letter names its series; a reply finds it by walking up
  // its thread (In-Reply-To, else the nearest known reference).
  Statement patch(db_.get(),
                  "SELECT v.series_id FROM series_patches p JOIN series_versions v ON v.id=p.version_id "
                  "WHERE p.msgid=?1 LIMIT 1");
  Statement cover(db_.get(), "SELECT series_id FROM series_versions WHERE cover=?1 LIMIT 1");
  Statement up(db_.get(),
               "SELECT m.in_reply_to, (SELECT r.ref FROM refs r JOIN messages p ON p.msgid=r.ref "
               "WHERE r.message_id=m.id ORDER BY r.position DESC LIMIT 1) FROM messages m WHERE m.msgid=?1");
  for (int depth = 0; depth < 200 && !k.empty(); ++depth) {
    patch.bind(1, k);
    if (patch.step()) return patch.text(0);
    patch.reset();
    cover.bind(1, k);
    if (cover.step()) return cover.text(0);
    cover.reset();
    up.bind(1, k);
    if (!up.step()) break;
    std::string parent = up.text(0);
    if (parent.empty() || !find_message(parent)) parent = up.text(1);
    up.reset();
    k = parent;
  }
  // Not a message: a short id, as git takes an abbreviated object id (the
  // one series whose id starts with it).
  if (auto ids = series_with_prefix(std::string(key), 2); ids.size() == 1) return ids.front();
  return std::nullopt;
}

}  // namespace seam::core
