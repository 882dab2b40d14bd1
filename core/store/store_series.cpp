// The series half of the store: facts in, assembled series out.
#include <unordered_map>

#include "core/store/store.hpp"

namespace seam::core {

std::vector<MessageFacts> Store::load_facts() {
  std::vector<MessageFacts> out;
  std::unordered_map<int64_t, size_t> at;
  Statement st(db_.get(),
               "SELECT m.id, m.msgid, m.from_name, m.from_email, m.date, m.subject, m.in_reply_to, "
               "f.reply, f.has_patch_tag, f.pull, f.rfc, f.resend, f.version, f.idx, f.total, f.title, "
               "f.norm_title, f.has_diff, f.patch_id, f.change_id, f.base_commit, f.rust, f.prerequisites "
               "FROM messages m JOIN facts f ON f.message_id=m.id ORDER BY m.id");
  while (st.step()) {
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
    at.emplace(st.int64(0), out.size());
    out.push_back(std::move(m));
  }
  Statement refs(db_.get(), "SELECT message_id, ref FROM refs ORDER BY message_id, position");
  while (refs.step()) {
    auto it = at.find(refs.int64(0));
    if (it != at.end()) out[it->second].references.push_back(refs.text(1));
  }
  Statement tr(db_.get(),
               "SELECT message_id, followup, name, value, email FROM body_trailers "
               "ORDER BY message_id, followup, position");
  while (tr.step()) {
    auto it = at.find(tr.int64(0));
    if (it == at.end()) continue;
    auto& m = out[it->second];
    Trailer t{tr.text(2), tr.text(3), tr.text(4), m.msgid, false};
    (tr.int64(1) ? m.followup_trailers : m.own_trailers).push_back(std::move(t));
  }
  return out;
}

void Store::rebuild_series() { replace_series(assemble(load_facts())); }

void Store::replace_series(const std::vector<Series>& series) {
  begin();
  try {
    exec(db_.get(),
         "DELETE FROM series_trailers; DELETE FROM series_patches; DELETE FROM series_versions; "
         "DELETE FROM series;");
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
    series_written();
    commit();
  } catch (...) {
    exec(db_.get(), "ROLLBACK");
    throw;
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
  return std::nullopt;
}

}  // namespace seam::core
