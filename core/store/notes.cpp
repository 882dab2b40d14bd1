#include "core/store/notes.hpp"

#include <cstdlib>
#include <ctime>
#include <map>

namespace seam::core {

namespace {

ReviewItem read_item(Statement& st) {
  ReviewItem it;
  it.series = st.text(0);
  it.version = static_cast<int>(st.int64(1));
  it.patch = static_cast<int>(st.int64(2));
  it.patch_msgid = st.text(3);
  it.item = st.text(4);
  it.rule = st.text(5);
  it.path = st.text(6);
  it.line = static_cast<int>(st.int64(7));
  it.excerpt = st.text(8);
  return it;
}

// BEGIN IMMEDIATE unless a transaction is open; COMMIT/ROLLBACK by scope.
class Transaction {
 public:
  explicit Transaction(Store& s) : s_(s), own_(sqlite3_get_autocommit(s.handle()) != 0) {
    if (own_) s_.begin();
  }
  void commit() {
    if (own_) s_.commit();
    own_ = false;
  }
  ~Transaction() {
    if (own_) s_.rollback();
  }

 private:
  Store& s_;
  bool own_;
};

}  // namespace

void record_items(Store& store, const std::string& series, int version, const std::vector<ReviewItem>& items) {
  Transaction t(store);
  Statement del(store.handle(), "DELETE FROM review_items WHERE series=?1 AND version=?2");
  del.bind(1, series).bind(2, int64_t{version});
  del.run();
  Statement ins(store.handle(),
                "INSERT OR REPLACE INTO review_items(series, version, patch, patch_msgid, item, rule, path, line, "
                "excerpt) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)");
  for (const auto& it : items) {
    ins.reset();
    ins.bind(1, series).bind(2, int64_t{version}).bind(3, int64_t{it.patch}).bind(4, it.patch_msgid);
    ins.bind(5, it.item).bind(6, it.rule).bind(7, it.path).bind(8, int64_t{it.line}).bind(9, it.excerpt);
    ins.run();
  }
  t.commit();
}

std::vector<ReviewItem> items_with_id(Store& store, std::string_view item) {
  Statement st(store.handle(),
               "SELECT series, version, patch, patch_msgid, item, rule, path, line, excerpt FROM review_items "
               "WHERE item=?1 ORDER BY version DESC, series");
  st.bind(1, item);
  std::vector<ReviewItem> out;
  while (st.step()) out.push_back(read_item(st));
  return out;
}

int64_t add_note(Store& store, ReviewNote n) {
  if (n.created == 0) {
    // SOURCE_DATE_EPOCH pins the time for reproducible output.
    const char* sde = std::getenv("SOURCE_DATE_EPOCH");
    n.created = sde ? std::strtoll(sde, nullptr, 10) : static_cast<int64_t>(std::time(nullptr));
  }
  Statement st(store.handle(),
               "INSERT INTO review_notes(series, version, patch, patch_msgid, item, rule, path, line, excerpt, tick, "
               "text, created) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)");
  st.bind(1, n.series).bind(2, int64_t{n.version}).bind(3, int64_t{n.patch}).bind(4, n.patch_msgid);
  st.bind(5, n.item).bind(6, n.rule).bind(7, n.path).bind(8, int64_t{n.line}).bind(9, n.excerpt);
  st.bind(10, int64_t{n.tick}).bind(11, n.text).bind(12, n.created);
  st.run();
  return sqlite3_last_insert_rowid(store.handle());
}

bool set_tick(Store& store, const ReviewItem& it, bool done) {
  if (!done) {
    Statement st(store.handle(), "DELETE FROM review_notes WHERE tick=1 AND series=?1 AND item=?2");
    st.bind(1, it.series).bind(2, it.item);
    st.run();
    return sqlite3_changes(store.handle()) > 0;
  }
  Statement q(store.handle(), "SELECT 1 FROM review_notes WHERE tick=1 AND series=?1 AND version=?2 AND item=?3");
  q.bind(1, it.series).bind(2, int64_t{it.version}).bind(3, it.item);
  if (q.step()) return false;
  ReviewNote n;
  n.series = it.series;
  n.version = it.version;
  n.patch = it.patch;
  n.patch_msgid = it.patch_msgid;
  n.item = it.item;
  n.rule = it.rule;
  n.path = it.path;
  n.line = it.line;
  n.excerpt = it.excerpt;
  n.tick = true;
  add_note(store, n);
  return true;
}

std::vector<ReviewNote> series_notes(Store& store, std::string_view series) {
  Statement st(store.handle(),
               "SELECT id, series, version, patch, patch_msgid, item, rule, path, line, excerpt, tick, text, created "
               "FROM review_notes WHERE coalesce(?1,'')='' OR series=?1 ORDER BY series, version, patch, created, id");
  st.bind(1, series);
  std::vector<ReviewNote> out;
  while (st.step()) {
    ReviewNote n;
    n.id = st.int64(0);
    n.series = st.text(1);
    n.version = static_cast<int>(st.int64(2));
    n.patch = static_cast<int>(st.int64(3));
    n.patch_msgid = st.text(4);
    n.item = st.text(5);
    n.rule = st.text(6);
    n.path = st.text(7);
    n.line = static_cast<int>(st.int64(8));
    n.excerpt = st.text(9);
    n.tick = st.int64(10) != 0;
    n.text = st.text(11);
    n.created = st.int64(12);
    out.push_back(std::move(n));
  }
  return out;
}

bool delete_note(Store& store, int64_t id) {
  Statement st(store.handle(), "DELETE FROM review_notes WHERE id=?1");
  st.bind(1, id);
  st.run();
  return sqlite3_changes(store.handle()) > 0;
}

int delete_item_notes(Store& store, std::string_view series, std::string_view item) {
  Statement st(store.handle(), "DELETE FROM review_notes WHERE series=?1 AND item=?2");
  st.bind(1, series).bind(2, item);
  st.run();
  return sqlite3_changes(store.handle());
}

int delete_patch_notes(Store& store, std::string_view series, int version, int patch) {
  Statement st(store.handle(), "DELETE FROM review_notes WHERE series=?1 AND version=?2 AND patch=?3 AND item=''");
  st.bind(1, series).bind(2, int64_t{version}).bind(3, int64_t{patch});
  st.run();
  return sqlite3_changes(store.handle());
}

std::vector<NotePlace> place_notes(const std::vector<ReviewNote>& notes, int version,
                                   const std::vector<ReviewItem>& items) {
  std::map<std::string, const ReviewItem*> by_id;
  for (const auto& it : items) by_id.emplace(it.item, &it);
  std::vector<NotePlace> out;
  for (size_t i = 0; i < notes.size(); ++i) {
    const ReviewNote& n = notes[i];
    if (n.version > version) continue;
    NotePlace p;
    p.note = i;
    if (n.item.empty()) {
      p.patch = n.patch;
      p.carried = n.version < version;
      out.push_back(std::move(p));
      continue;
    }
    if (auto it = by_id.find(n.item); it != by_id.end()) {
      p.patch = it->second->patch;
      p.item = n.item;
      out.push_back(std::move(p));
      continue;
    }
    if (n.version == version) {  // an item this checklist no longer shows (other rules, --repo)
      out.push_back(std::move(p));
      continue;
    }
    const ReviewItem* best = nullptr;
    for (const auto& it : items) {
      if (it.rule != n.rule || it.path != n.path) continue;
      if (!best || std::abs(it.line - n.line) < std::abs(best->line - n.line)) best = &it;
    }
    if (best) {
      p.patch = best->patch;
      p.item = best->item;
      p.carried = true;
      p.new_excerpt = best->excerpt;
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace seam::core
