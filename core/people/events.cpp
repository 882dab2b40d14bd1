#include "core/people/events.hpp"

#include <algorithm>
#include <cctype>
#include <list>
#include <memory>
#include <set>
#include <unordered_map>

#include "core/analysis/hunks.hpp"
#include "core/analysis/patch_review.hpp"

namespace seam::core::people {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string rtrim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

// The lines of a patch's diff, by their text, for finding them quoted.
struct PatchIndex {
  size_t files = 0;
  std::unordered_map<std::string, std::pair<int, int>> lines;  // "+text" -> (file, hunk); hunk -1: a header
};

std::shared_ptr<PatchIndex> index_patch(const std::vector<FileDiff>& diff) {
  auto ix = std::make_shared<PatchIndex>();
  ix->files = diff.size();
  for (size_t f = 0; f < diff.size(); ++f) {
    const auto& fd = diff[f];
    const int fi = static_cast<int>(f);
    ix->lines.emplace("diff --git a/" + fd.old_path + " b/" + fd.new_path, std::make_pair(fi, -1));
    ix->lines.emplace("+++ b/" + fd.new_path, std::make_pair(fi, -1));
    ix->lines.emplace("--- a/" + fd.old_path, std::make_pair(fi, -1));
    for (size_t h = 0; h < fd.hunks.size(); ++h) {
      const auto& hk = fd.hunks[h];
      const int hi = static_cast<int>(h);
      ix->lines.emplace(rtrim(hk.header), std::make_pair(fi, hi));
      for (const auto& l : hk.lines) {
        std::string key(1, l.origin);
        key += l.text;
        key = rtrim(key);
        if (key.size() < 3) continue;  // "+", "+}" and the like say nothing of where
        ix->lines.emplace(std::move(key), std::make_pair(fi, hi));
      }
    }
  }
  return ix;
}

bool is_trailer_line(std::string_view s) {
  const size_t colon = s.find(": ");
  if (colon == std::string_view::npos || colon < 4) return false;
  const auto key = s.substr(0, colon);
  if (key.size() < 3 || key.substr(key.size() - 3) != "-by") return false;
  for (char c : key)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  return true;
}

QuoteMatch match_with(const std::string& reply, const PatchIndex& ix) {
  QuoteMatch m;
  std::set<int> files;
  std::set<std::pair<int, int>> hunks;
  bool seen = false;
  size_t pos = 0;
  while (pos < reply.size()) {
    size_t end = reply.find('\n', pos);
    if (end == std::string::npos) end = reply.size();
    std::string_view line(reply.data() + pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line == "-- ") break;  // signature
    if (!line.empty() && line[0] == '>') {
      std::string_view q = line.substr(1);
      const size_t first = q.find_first_not_of(' ');
      if (first != std::string_view::npos && q[first] == '>') continue;  // a deeper quote
      if (!q.empty() && q[0] == ' ') q.remove_prefix(1);
      std::string key = rtrim(q);
      auto it = ix.lines.find(key);
      if (it == ix.lines.end() && !key.empty() && key[0] != '+' && key[0] != '-' && key[0] != '@')
        it = ix.lines.find(" " + key);  // a context line quoted without its space
      if (it == ix.lines.end()) continue;
      ++m.quoted;
      seen = true;
      files.insert(it->second.first);
      if (it->second.second >= 0) hunks.insert(it->second);
      continue;
    }
    if (!seen) continue;
    const std::string own = rtrim(line);
    if (own.find_first_not_of(" \t") == std::string::npos) continue;
    if (is_trailer_line(own)) continue;
    if (own.size() >= 6 && own.compare(own.size() - 6, 6, "wrote:") == 0) continue;
    ++m.comments;
  }
  m.files.assign(files.begin(), files.end());
  m.hunks.assign(hunks.begin(), hunks.end());
  return m;
}

const char* const kUnsafeRules[] = {"unsafe-block", "unsafe-fn", "unsafe-impl", "unsafe-trait",
                                    "raw-deref", "send-sync", "raw-ownership", "safety-placeholder"};
const char* const kBoundaryRules[] = {"bindings-call", "extern-c", "repr-c", "export-symbol",
                                      "c-used-by-rust", "rust-c-glue", "opaque", "raw-pointer-field"};

bool touches_rust(const std::vector<FileDiff>& diff) {
  for (const auto& f : diff) {
    const auto& p = f.path();
    if (p.rfind("rust/", 0) == 0 || (p.size() > 3 && p.compare(p.size() - 3, 3, ".rs") == 0)) return true;
  }
  return false;
}

// A message as the update reads it.
struct Row {
  int64_t id = 0;
  std::string msgid, from_name, from_email, in_reply_to;
  int64_t date = 0;
  bool reply = false, has_diff = false, pull = false;
};

class Updater {
 public:
  Updater(Store& store, const RuleSet& rules, const BodyReader& body) : db_(store.handle()), rules_(rules), body_(body) {}

  UpdateStats stats;

  void run(const std::function<void(int64_t, int64_t)>& progress) {
    int64_t watermark = 0;
    {
      Statement st(db_, "SELECT watermark FROM people_state WHERE id = 1");
      if (st.step()) watermark = st.int64(0);
    }
    std::vector<Row> rows;
    {
      Statement st(db_,
                   "SELECT m.id, m.msgid, m.from_name, m.from_email, coalesce(m.date, 0), m.in_reply_to, "
                   "f.reply, f.has_diff, f.pull, "
                   "(SELECT r.ref FROM refs r WHERE r.message_id = m.id ORDER BY r.position DESC LIMIT 1) "
                   "FROM messages m JOIN facts f ON f.message_id = m.id WHERE m.id > ?1 ORDER BY m.id");
      st.bind(1, watermark);
      while (st.step()) {
        Row r;
        r.id = st.int64(0);
        r.msgid = st.text(1);
        r.from_name = st.text(2);
        r.from_email = lower(st.text(3));
        r.date = st.int64(4);
        r.in_reply_to = st.text(5);
        r.reply = st.int64(6) != 0;
        r.has_diff = st.int64(7) != 0;
        r.pull = st.int64(8) != 0;
        if (r.in_reply_to.empty() && !st.is_null(9)) r.in_reply_to = st.text(9);
        rows.push_back(std::move(r));
      }
    }
    stats.messages = static_cast<int64_t>(rows.size());
    const size_t kBatch = 400;
    for (size_t start = 0; start < rows.size(); start += kBatch) {
      const size_t stop = std::min(rows.size(), start + kBatch);
      exec(db_, "BEGIN IMMEDIATE");
      try {
        // Another process may have read these messages meanwhile (two
        // commands started together): skip what its watermark covers.
        int64_t now = 0;
        {
          Statement st(db_, "SELECT watermark FROM people_state WHERE id = 1");
          if (st.step()) now = st.int64(0);
        }
        for (size_t k = start; k < stop; ++k)
          if (rows[k].id > now) one(rows[k]);
        Statement w(db_, "UPDATE people_state SET watermark = max(watermark, ?1) WHERE id = 1");
        w.bind(1, rows[stop - 1].id).run();
        exec(db_, "COMMIT");
      } catch (...) {
        exec(db_, "ROLLBACK");
        throw;
      }
      if (progress) progress(static_cast<int64_t>(stop), static_cast<int64_t>(rows.size()));
    }
    resolve_pending();
    Statement st(db_, "SELECT count(*) FROM people_pending");
    if (st.step()) stats.pending = st.int64(0);
  }

 private:
  sqlite3* db_;
  const RuleSet& rules_;
  const BodyReader& body_;
  RuleSet no_rules_;
  // Prepared once: run for every message of the store the first time.
  Statement insert_event_{db_,
                          "INSERT INTO review_events(message_id, kind, target, name, email, sender, date, trailer, "
                          "files, hunks, quoted, comments) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)"};
  Statement insert_tie_{db_, "INSERT OR IGNORE INTO people_ties(a, b) VALUES(?1, ?2)"};
  Statement parent_{db_,
                    "SELECT m.id, m.msgid, m.from_name, m.from_email, m.in_reply_to, f.reply, f.has_diff "
                    "FROM messages m JOIN facts f ON f.message_id = m.id WHERE m.msgid = ?1"};
  Statement insert_file_{db_,
                         "INSERT OR REPLACE INTO people_files(message_id, position, path, cls, hunks, lines, "
                         "unsafe, boundary) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)"};
  Statement given_{db_,
                   "SELECT name, value, email FROM body_trailers WHERE message_id = ?1 AND followup = 1 "
                   "ORDER BY position"};
  Statement insert_pending_{db_, "INSERT OR REPLACE INTO people_pending(message_id, parent) VALUES(?1, ?2)"};
  // Recently read patches, for the replies that follow them.
  std::list<std::pair<std::string, std::shared_ptr<PatchIndex>>> lru_;
  std::unordered_map<std::string, decltype(lru_)::iterator> cached_;

  std::optional<std::string> read_body(const std::string& msgid) {
    std::string err;
    auto b = body_(msgid, err);
    if (!b) stats.errors.push_back("<" + msgid + ">: " + (err.empty() ? "cannot be read back" : err));
    return b;
  }

  void remember(const std::string& msgid, std::shared_ptr<PatchIndex> ix) {
    lru_.emplace_front(msgid, std::move(ix));
    cached_[msgid] = lru_.begin();
    if (lru_.size() > 512) {
      cached_.erase(lru_.back().first);
      lru_.pop_back();
    }
  }

  std::shared_ptr<PatchIndex> patch_index(const std::string& msgid) {
    if (auto it = cached_.find(msgid); it != cached_.end()) return it->second->second;
    auto b = read_body(msgid);
    if (!b) return nullptr;
    auto ix = index_patch(parse_diff(*b));
    remember(msgid, ix);
    return ix;
  }

  void add_event(int64_t message_id, const char* kind, const std::string& target, const std::string& name,
                 const std::string& email, const std::string& sender, int64_t date, const std::string& trailer,
                 const QuoteMatch* q) {
    Statement& st = insert_event_;
    std::string files, hunks;
    if (q) {
      for (int f : q->files) files += (files.empty() ? "" : " ") + std::to_string(f);
      for (auto [f, h] : q->hunks) hunks += (hunks.empty() ? "" : " ") + std::to_string(f) + ":" + std::to_string(h);
    }
    st.bind(1, message_id).bind(2, kind).bind(3, target).bind(4, name).bind(5, email).bind(6, sender).bind(7, date)
        .bind(8, trailer).bind(9, files).bind(10, hunks).bind(11, int64_t{q ? q->quoted : 0})
        .bind(12, int64_t{q ? q->comments : 0});
    st.run();
    ++stats.events;
  }

  void tie(const std::string& a, const std::string& b) {
    if (a.empty() || b.empty() || a == b) return;
    insert_tie_.bind(1, std::min(a, b)).bind(2, std::max(a, b)).run();
  }

  struct Parent {
    int64_t id = 0;
    std::string msgid, from_name, from_email, in_reply_to;
    bool reply = false, has_diff = false;
  };
  std::optional<Parent> parent(const std::string& msgid) {
    Statement& st = parent_;
    st.bind(1, msgid);
    if (!st.step()) {
      st.reset();
      return std::nullopt;
    }
    Parent p{st.int64(0), st.text(1), st.text(2), lower(st.text(3)), st.text(4), st.int64(5) != 0,
             st.int64(6) != 0};
    st.reset();
    return p;
  }

  void patch(const Row& r) {
    auto b = read_body(r.msgid);
    if (!b) return;
    auto diff = parse_diff(*b);
    remember(r.msgid, index_patch(diff));
    const bool rust = touches_rust(diff);
    auto review = review_patch(diff, rust ? rules_ : no_rules_);
    Statement& st = insert_file_;
    int64_t pos = 0;
    for (const auto& f : review.files) {
      int64_t uns = 0, bnd = f.cls == "rust-c-glue" ? 1 : 0;
      for (const auto& x : review.findings) {
        if (x.path != f.path) continue;
        if (unsafe_rule(x.rule)) ++uns;
        if (boundary_rule(x.rule)) ++bnd;
      }
      st.bind(1, r.id).bind(2, pos++).bind(3, f.path).bind(4, f.cls)
          .bind(5, static_cast<int64_t>(f.hunks.size())).bind(6, int64_t{f.added + f.removed}).bind(7, uns)
          .bind(8, bnd).run();
      st.reset();
    }
    ++stats.patches;
    add_event(r.id, "authored", r.msgid, r.from_name, r.from_email, r.from_email, r.date, "", nullptr);
  }

  void trailers(const Row& r) {
    Statement& st = given_;
    st.bind(1, r.id);
    std::vector<Trailer> given;
    while (st.step()) {
      Trailer t{st.text(0), st.text(1), lower(st.text(2)), r.msgid, false};
      const std::string n = lower(t.name);
      if (n != "reviewed-by" && n != "acked-by" && n != "tested-by") continue;
      if (!trailer_acceptable(t, r.from_name, r.from_email, false)) continue;
      given.push_back(std::move(t));
    }
    st.reset();
    if (given.empty()) return;
    // The patch or cover letter reviewed: up through replies to replies.
    std::string target = r.in_reply_to;
    for (int depth = 0; depth < 8; ++depth) {
      auto p = parent(target);
      if (!p || !p->reply || p->in_reply_to.empty()) break;
      target = p->in_reply_to;
    }
    std::set<std::string> once;
    for (const auto& t : given) {
      if (!once.insert(lower(t.name) + "\n" + t.email).second) continue;
      std::string name = t.value;
      if (auto lt = name.find('<'); lt != std::string::npos) name = rtrim(name.substr(0, lt));
      add_event(r.id, "trailer", target, name, t.email, r.from_email, r.date, t.name, nullptr);
      tie(t.email, r.from_email);
    }
  }

  // A reply to a patch: a review when it quotes the diff and comments.
  void comment(int64_t id, const std::string& msgid, const std::string& from_name, const std::string& from_email,
               int64_t date, const Parent& p) {
    if (!p.has_diff || p.reply) return;
    if (from_email == p.from_email) return;
    auto ix = patch_index(p.msgid);
    if (!ix) return;
    auto b = read_body(msgid);
    if (!b) return;
    ++stats.replies;
    auto q = match_with(*b, *ix);
    if (q.quoted == 0 || q.comments == 0) return;
    add_event(id, "comment", p.msgid, from_name, from_email, from_email, date, "", &q);
  }

  void one(const Row& r) {
    if (r.pull) return;
    if (r.has_diff && !r.reply) patch(r);
    if (r.in_reply_to.empty()) return;
    trailers(r);
    auto p = parent(r.in_reply_to);
    if (!p) {
      if (!r.has_diff) {
        insert_pending_.bind(1, r.id).bind(2, r.in_reply_to).run();
      }
      return;
    }
    // The same display name from another address, answering itself: one person.
    if (!r.from_name.empty() && r.from_name.find(' ') != std::string::npos && lower(r.from_name) == lower(p->from_name))
      tie(r.from_email, p->from_email);
    if (!r.has_diff) comment(r.id, r.msgid, r.from_name, r.from_email, r.date, *p);
  }

  void resolve_pending() {
    std::vector<std::pair<Row, Parent>> ready;
    {
      Statement st(db_,
                   "SELECT m.id, m.msgid, m.from_name, m.from_email, coalesce(m.date, 0), p.parent "
                   "FROM people_pending p JOIN messages m ON m.id = p.message_id "
                   "WHERE EXISTS (SELECT 1 FROM messages q WHERE q.msgid = p.parent)");
      while (st.step()) {
        Row r;
        r.id = st.int64(0);
        r.msgid = st.text(1);
        r.from_name = st.text(2);
        r.from_email = lower(st.text(3));
        r.date = st.int64(4);
        r.in_reply_to = st.text(5);
        ready.emplace_back(std::move(r), Parent{});
      }
    }
    if (ready.empty()) return;
    exec(db_, "BEGIN IMMEDIATE");
    try {
      for (auto& [r, unused] : ready) {
        Statement del(db_, "DELETE FROM people_pending WHERE message_id = ?1");
        del.bind(1, r.id).run();
        if (sqlite3_changes(db_) == 0) continue;  // another process counted it
        auto p = parent(r.in_reply_to);
        if (p) {
          if (!r.from_name.empty() && r.from_name.find(' ') != std::string::npos &&
              lower(r.from_name) == lower(p->from_name))
            tie(r.from_email, p->from_email);
          comment(r.id, r.msgid, r.from_name, r.from_email, r.date, *p);
        }
      }
      exec(db_, "COMMIT");
    } catch (...) {
      exec(db_, "ROLLBACK");
      throw;
    }
  }
};

}  // namespace

bool unsafe_rule(const std::string& rule) {
  for (const char* r : kUnsafeRules)
    if (rule == r) return true;
  return false;
}

bool boundary_rule(const std::string& rule) {
  for (const char* r : kBoundaryRules)
    if (rule == r) return true;
  return false;
}

QuoteMatch match_quotes(const std::string& reply_body, const std::string& patch_body) {
  return match_with(reply_body, *index_patch(parse_diff(patch_body)));
}

bool events_stale(Store& store) {
  Statement st(store.handle(),
               "SELECT (SELECT coalesce(max(id), 0) FROM messages) > (SELECT watermark FROM people_state WHERE id = 1)");
  return st.step() && st.int64(0) != 0;
}

UpdateStats update_events(Store& store, const RuleSet& rules, const BodyReader& body,
                          const std::function<void(int64_t, int64_t)>& progress) {
  Updater u(store, rules, body);
  u.run(progress);
  return std::move(u.stats);
}

}  // namespace seam::core::people
