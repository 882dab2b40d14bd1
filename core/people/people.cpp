#include "core/people/people.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <numeric>
#include <sstream>
#include <unordered_map>

namespace seam::core::people {

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool contains_ci(const std::string& hay, const std::string& needle) {
  return lower(hay).find(lower(needle)) != std::string::npos;
}

std::vector<std::string> split_path(const std::string& p) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= p.size()) {
    size_t s = p.find('/', pos);
    if (s == std::string::npos) s = p.size();
    if (s > pos) out.push_back(p.substr(pos, s - pos));
    pos = s + 1;
  }
  return out;
}

unsigned class_bit(const std::string& cls) {
  if (cls == "rust") return kRust;
  if (cls == "rust-c-glue") return kGlue;
  if (cls == "c" || cls == "c-header") return kC;
  return kOther;
}

// "Name <address>" of a MAINTAINERS entry.
std::pair<std::string, std::string> split_entry(const std::string& v) {
  const size_t lt = v.find('<'), gt = v.rfind('>');
  if (lt == std::string::npos || gt == std::string::npos || gt < lt) return {"", lower(v)};
  std::string name = v.substr(0, lt);
  while (!name.empty() && name.back() == ' ') name.pop_back();
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
  return {name, lower(v.substr(lt + 1, gt - lt - 1))};
}

std::vector<int> split_ints(const std::string& s) {
  std::vector<int> out;
  std::istringstream in(s);
  int v;
  while (in >> v) out.push_back(v);
  return out;
}

int month_index(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

std::string month_name(int idx) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", idx / 12, idx % 12 + 1);
  return buf;
}

// Union-find over addresses.
struct Union {
  std::vector<int> parent;
  int add() {
    parent.push_back(static_cast<int>(parent.size()));
    return parent.back();
  }
  int find(int x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void join(int a, int b) {
    a = find(a), b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
  }
};

struct Identities {
  const Resolver& resolve;
  Union u;
  std::unordered_map<std::string, int> node;  // canonical address -> node
  std::vector<std::map<std::string, int>> names, emails;  // per node: how often each form was seen

  int of(const std::string& name, const std::string& email) {
    auto [cn, ce] = resolve ? resolve(name, email) : std::make_pair(name, email);
    ce = lower(ce);
    if (ce.empty()) ce = lower(email);
    auto [it, fresh] = node.emplace(ce, 0);
    if (fresh) {
      it->second = u.add();
      names.emplace_back();
      emails.emplace_back();
    }
    if (!cn.empty()) ++names[it->second][cn];
    ++emails[it->second][ce];
    // Other spellings of the same address map here too.
    if (lower(email) != ce) node.emplace(lower(email), it->second);
    return it->second;
  }
};

const double kDay = 86400.0;
// Weights of suggest(), chosen with bench/suggest on the linux-kbuild epoch:
// a review's weight halves every 60 days (recent reviewers answer; older
// experience still counts), Rust experience counts double on Rust series.
struct Weights {
  double path = 1.0, area = 0.5, active = 0.2, rust = 2.0, unsafe_code = 0.5;
};
const Weights kW;
const double kHalfLife = 60.0 * kDay;

double decay(int64_t at, int64_t date) {
  if (at <= 0 || date >= at) return 1.0;
  return std::exp2(-static_cast<double>(at - date) / kHalfLife);
}

int common_prefix(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const size_t n = std::min(a.size(), b.size());
  size_t k = 0;
  while (k < n && a[k] == b[k]) ++k;
  return static_cast<int>(k);
}

}  // namespace

Data load(Store& store, const Resolver& resolve, const Maintainers* maintainers) {
  sqlite3* db = store.handle();
  Data d;
  d.maintainers = maintainers;
  Identities ids{resolve, {}, {}, {}, {}};

  // Files of each analysed patch.
  std::unordered_map<std::string, int> path_index;
  struct PatchFile {
    int path;
    bool unsafe_code, boundary;
  };
  std::unordered_map<std::string, std::vector<PatchFile>> patch_files;
  auto path_of = [&](const std::string& p, const std::string& cls) {
    auto [it, fresh] = path_index.emplace(p, static_cast<int>(d.paths.size()));
    if (fresh) {
      PathInfo info;
      info.path = p;
      info.cls = cls;
      info.parts = split_path(p);
      if (maintainers) info.areas = maintainers->areas_of(p);
      if (info.areas.empty()) info.areas.push_back(path_area(p));
      d.paths.push_back(std::move(info));
    }
    return it->second;
  };
  {
    Statement st(db,
                 "SELECT m.msgid, f.path, f.cls, f.unsafe, f.boundary FROM people_files f "
                 "JOIN messages m ON m.id = f.message_id ORDER BY f.message_id, f.position");
    while (st.step())
      patch_files[st.text(0)].push_back({path_of(st.text(1), st.text(2)), st.int64(3) != 0, st.int64(4) != 0});
  }

  // Series versions, their patches and cover letters.
  std::unordered_map<std::string, int64_t> patch_version, cover_version;
  {
    Statement st(db,
                 "SELECT v.id, v.series_id, v.version, coalesce(v.cover, ''), v.date, s.author_name, s.author_email, "
                 "s.rust, s.title FROM series_versions v JOIN series s ON s.id = v.series_id WHERE s.pull = 0");
    while (st.step()) {
      Version v;
      v.id = st.int64(0);
      v.series = st.text(1);
      v.version = static_cast<int>(st.int64(2));
      const std::string cover = st.text(3);
      v.date = st.int64(4);
      v.author = ids.of(st.text(5), st.text(6));  // a node for now, a person below
      v.rust = st.int64(7) != 0;
      v.title = st.text(8);
      if (!cover.empty()) {
        cover_version[cover] = v.id;
        v.messages.push_back(cover);
      }
      d.versions.emplace(v.id, std::move(v));
    }
    Statement p(db, "SELECT version_id, msgid FROM series_patches WHERE carried = 0 ORDER BY version_id, idx");
    while (p.step()) {
      auto it = d.versions.find(p.int64(0));
      if (it == d.versions.end()) continue;
      const std::string msgid = p.text(1);
      patch_version.emplace(msgid, it->first);
      it->second.messages.push_back(msgid);
      std::set<int> seen(it->second.files.begin(), it->second.files.end());
      if (auto f = patch_files.find(msgid); f != patch_files.end())
        for (const auto& pf : f->second) {
          if (seen.insert(pf.path).second) it->second.files.push_back(pf.path);
          if (pf.unsafe_code) it->second.unsafe_code = true;
        }
    }
  }

  // The authors of patches in no series.
  Statement sender(db, "SELECT from_name, from_email FROM messages WHERE msgid = ?1");
  auto author_of = [&](const std::string& msgid) -> int {
    sender.bind(1, msgid);
    int out = -1;
    if (sender.step()) out = ids.of(sender.text(0), sender.text(1));
    sender.reset();
    return out;
  };

  struct Raw {
    Event e;
    int node = -1, author_node = -1;
  };
  std::vector<Raw> raws;
  {
    Statement st(db,
                 "SELECT kind, target, name, email, sender, date, trailer, files, hunks, quoted, comments "
                 "FROM review_events ORDER BY date, id");
    while (st.step()) {
      Raw r;
      Event& e = r.e;
      const std::string kind = st.text(0);
      e.kind = kind == "trailer" ? EventKind::trailer : kind == "comment" ? EventKind::comment : EventKind::authored;
      e.target = st.text(1);
      r.node = ids.of(st.text(2), st.text(3));
      e.date = st.int64(5);
      e.trailer = st.text(6);
      const auto quoted_files = split_ints(st.text(7));
      const std::string hunks = st.text(8);
      e.hunks = hunks.empty() ? 0 : static_cast<int>(std::count(hunks.begin(), hunks.end(), ' ') + 1);
      e.quoted = static_cast<int>(st.int64(9));
      e.comments = static_cast<int>(st.int64(10));
      const Version* v = nullptr;
      if (auto it = patch_version.find(e.target); it != patch_version.end()) v = &d.versions.at(it->second);
      else if (auto c = cover_version.find(e.target); c != cover_version.end()) {
        v = &d.versions.at(c->second);
        e.cover = true;
      }
      if (v) {
        e.series = v->series;
        e.version = v->version;
        e.version_id = v->id;
        e.version_date = v->date;
        e.series_rust = v->rust;
        r.author_node = v->author;
      }
      if (e.kind == EventKind::authored) r.author_node = r.node;
      else if (!v) r.author_node = author_of(e.target);
      // Files.
      auto pf = patch_files.find(e.target);
      if (e.cover && v) {
        e.files = v->files;
        for (const auto& m : v->messages)
          if (auto f = patch_files.find(m); f != patch_files.end())
            for (const auto& x : f->second) e.unsafe_code |= x.unsafe_code, e.boundary |= x.boundary;
      } else if (pf != patch_files.end()) {
        for (size_t k = 0; k < pf->second.size(); ++k) {
          if (e.kind == EventKind::comment &&
              std::find(quoted_files.begin(), quoted_files.end(), static_cast<int>(k)) == quoted_files.end())
            continue;
          e.files.push_back(pf->second[k].path);
          e.unsafe_code |= pf->second[k].unsafe_code;
          e.boundary |= pf->second[k].boundary;
        }
      }
      for (int f : e.files) e.classes |= class_bit(d.paths[f].cls);
      raws.push_back(std::move(r));
    }
  }
  // Addresses a trailer or a reply tied together.
  {
    Statement st(db, "SELECT a, b FROM people_ties");
    while (st.step()) {
      const int a = ids.of("", st.text(0)), b = ids.of("", st.text(1));
      ids.u.join(a, b);
    }
  }
  // The people MAINTAINERS lists.
  std::vector<std::vector<std::pair<int, bool>>> section_people;  // per section: (node, is M:)
  if (maintainers) {
    for (const auto& s : maintainers->sections()) {
      section_people.emplace_back();
      for (const auto& m : s.maintainers) {
        auto [n, e] = split_entry(m);
        if (e.find('@') != std::string::npos) section_people.back().emplace_back(ids.of(n, e), true);
      }
      for (const auto& m : s.reviewers) {
        auto [n, e] = split_entry(m);
        if (e.find('@') != std::string::npos) section_people.back().emplace_back(ids.of(n, e), false);
      }
    }
  }

  // One person per root.
  std::unordered_map<int, int> person_of_root;
  auto person = [&](int node) -> int {
    if (node < 0) return -1;
    const int root = ids.u.find(node);
    auto [it, fresh] = person_of_root.emplace(root, static_cast<int>(d.people.size()));
    if (fresh) d.people.emplace_back();
    return it->second;
  };
  for (auto& r : raws) {
    r.e.person = person(r.node);
    r.e.author = person(r.author_node);
  }
  for (auto& [id, v] : d.versions) v.author = person(v.author);
  // Every address seen (MAINTAINERS entries too) is someone.
  for (const auto& [addr, node] : ids.node) person(node);
  // Names: the most frequent spelling over all of a person's addresses.
  {
    std::vector<std::map<std::string, int>> names(d.people.size()), emails(d.people.size());
    for (const auto& [addr, node] : ids.node) {
      const int p = person(node);
      for (const auto& [n, c] : ids.names[node]) names[p][n] += c;
      for (const auto& [e, c] : ids.emails[node]) emails[p][e] += c;
      d.by_email[addr] = p;
    }
    auto best = [](const std::map<std::string, int>& m) {
      std::string out;
      int top = -1;
      for (const auto& [k, c] : m)
        if (c > top) top = c, out = k;
      return out;
    };
    for (size_t p = 0; p < d.people.size(); ++p) {
      d.people[p].name = best(names[p]);
      d.people[p].email = best(emails[p]);
      d.people[p].emails.push_back(d.people[p].email);
      for (const auto& [e, c] : emails[p])
        if (e != d.people[p].email) d.people[p].emails.push_back(e);
    }
  }
  d.events.reserve(raws.size());
  for (auto& r : raws) d.events.push_back(std::move(r.e));
  d.path_events.resize(d.paths.size());
  for (size_t k = 0; k < d.events.size(); ++k) {
    const auto& e = d.events[k];
    if (!e.review()) continue;
    for (int f : e.files) d.path_events[f].push_back(static_cast<int>(k));
  }
  if (!d.events.empty()) d.first = d.events.front().date, d.last = d.events.back().date;
  // Keep who MAINTAINERS lists, as people, for suggest().
  if (maintainers) {
    d.maintainer_people.resize(section_people.size());
    for (size_t s = 0; s < section_people.size(); ++s)
      for (auto [node, m] : section_people[s]) d.maintainer_people[s].emplace_back(person(node), m);
  }
  return d;
}

// ---- reviewers ----

namespace {

bool lang_matches(unsigned classes, const std::string& lang) {
  if (lang.empty()) return true;
  if (lang == "rust") return classes & kRust;
  if (lang == "c") return classes & kC;
  if (lang == "glue") return classes & kGlue;
  return false;
}

bool event_matches(const Data& d, const Event& e, const ReviewerFilter& f) {
  if (f.since && e.date < *f.since) return false;
  if (f.until && e.date >= *f.until) return false;
  if (!lang_matches(e.classes, f.lang)) return false;
  if (!f.path.empty()) {
    bool any = false;
    for (int p : e.files)
      if (d.paths[p].path.rfind(f.path, 0) == 0) any = true;
    if (!any) return false;
  }
  if (!f.area.empty()) {
    bool any = false;
    for (int p : e.files)
      for (const auto& a : d.paths[p].areas)
        if (contains_ci(a, f.area)) any = true;
    if (!any) return false;
  }
  return true;
}

// The areas of the event's files that the filter asked about: with --path,
// only the files under it; with --lang, only files of that class; with
// --area, only the areas it names.
std::vector<std::string> event_areas(const Data& d, const Event& e, const ReviewerFilter& f) {
  std::vector<std::string> out;
  for (int p : e.files) {
    if (!f.path.empty() && d.paths[p].path.rfind(f.path, 0) != 0) continue;
    if (!lang_matches(class_bit(d.paths[p].cls), f.lang)) continue;
    for (const auto& a : d.paths[p].areas)
      if ((f.area.empty() || contains_ci(a, f.area)) && std::find(out.begin(), out.end(), a) == out.end())
        out.push_back(a);
  }
  return out;
}

}  // namespace

bool area_known(const Data& d, const std::string& area) {
  for (const auto& p : d.paths)
    for (const auto& a : p.areas)
      if (contains_ci(a, area)) return true;
  return false;
}

ReviewerReport reviewers(const Data& d, const ReviewerFilter& f) {
  ReviewerReport rep;
  std::unordered_map<int, size_t> row_of;
  std::vector<std::map<std::string, int>> areas;
  std::vector<std::vector<int>> months;
  int lo = 0, hi = -1;
  for (const auto& e : d.events) {
    if (!e.review() || !event_matches(d, e, f)) continue;
    auto [it, fresh] = row_of.emplace(e.person, rep.rows.size());
    if (fresh) {
      rep.rows.emplace_back();
      rep.rows.back().person = e.person;
      rep.rows.back().first = e.date;
      areas.emplace_back();
      months.emplace_back();
    }
    auto& r = rep.rows[it->second];
    (e.kind == EventKind::trailer ? r.trailers : r.comments)++;
    if (e.classes & kRust) ++r.rust;
    if (e.unsafe_code) ++r.unsafe_code;
    if (e.boundary) ++r.boundary;
    r.first = std::min(r.first, e.date);
    r.last = std::max(r.last, e.date);
    for (const auto& a : event_areas(d, e, f)) ++areas[it->second][a];
    const int m = month_index(e.date);
    months[it->second].push_back(m);
    if (hi < lo) lo = hi = m;
    lo = std::min(lo, m);
    hi = std::max(hi, m);
  }
  if (hi >= lo) {
    rep.month0 = month_name(lo);
    rep.month_count = hi - lo + 1;
  }
  for (size_t k = 0; k < rep.rows.size(); ++k) {
    auto& r = rep.rows[k];
    r.months.assign(static_cast<size_t>(rep.month_count), 0);
    for (int m : months[k]) ++r.months[static_cast<size_t>(m - lo)];
    std::vector<std::pair<std::string, int>> a(areas[k].begin(), areas[k].end());
    std::stable_sort(a.begin(), a.end(), [](auto& x, auto& y) { return x.second > y.second; });
    if (a.size() > 3) a.resize(3);
    r.areas = std::move(a);
  }
  std::stable_sort(rep.rows.begin(), rep.rows.end(), [&](const auto& a, const auto& b) {
    if (a.reviews() != b.reviews()) return a.reviews() > b.reviews();
    if (a.last != b.last) return a.last > b.last;
    return d.people[a.person].email < d.people[b.person].email;
  });
  return rep;
}

// ---- experience ----

std::vector<int> find_person(const Data& d, const std::string& query) {
  const std::string q = lower(query);
  std::string addr = q;
  if (auto lt = addr.find('<'); lt != std::string::npos) {
    auto gt = addr.find('>', lt);
    addr = addr.substr(lt + 1, gt == std::string::npos ? std::string::npos : gt - lt - 1);
  }
  if (auto it = d.by_email.find(addr); it != d.by_email.end()) return {it->second};
  std::vector<int> exact, part;
  for (size_t p = 0; p < d.people.size(); ++p) {
    const auto& pp = d.people[p];
    if (!pp.name.empty() && lower(pp.name) == q) exact.push_back(static_cast<int>(p));
    bool hit = contains_ci(pp.name, q);
    for (const auto& e : pp.emails) hit = hit || e.find(q) != std::string::npos;
    if (hit) part.push_back(static_cast<int>(p));
  }
  return exact.empty() ? part : exact;
}

Experience experience(const Data& d, int person) {
  Experience x;
  x.person = person;
  std::map<std::tuple<int, std::string, std::string>, ExperienceRow> rows;
  std::set<int64_t> reviewed;
  for (const auto& e : d.events) {
    if (e.person != person) continue;
    if (e.kind != EventKind::authored && !e.review()) continue;
    std::string lang = e.classes & kRust ? "rust" : e.classes & kGlue ? "glue" : e.classes & kC ? "c" : "other";
    // The area most of its files are in.
    std::map<std::string, int> count;
    for (int f : e.files)
      for (const auto& a : d.paths[f].areas) ++count[a];
    std::string area = "-";
    int top = 0;
    for (const auto& [a, c] : count)
      if (c > top) top = c, area = a;
    const int m = month_index(e.date);
    auto& r = rows[{m, lang, area}];
    r.month = month_name(m);
    r.lang = lang;
    r.area = area;
    switch (e.kind) {
      case EventKind::trailer: ++r.trailers, ++x.trailers; break;
      case EventKind::comment:
        ++r.comments, ++x.comments;
        r.quoted += e.quoted;
        x.quoted += e.quoted;
        break;
      case EventKind::authored: ++r.authored, ++x.authored; break;
    }
    if (e.kind == EventKind::authored) continue;
    if (!x.first_review) x.first_review = e.date;
    x.last_review = e.date;
    if ((e.classes & kRust) && !x.first_rust) x.first_rust = e.date;
    if (e.unsafe_code && !x.first_unsafe) x.first_unsafe = e.date;
    if (e.version_id) reviewed.insert(e.version_id);
  }
  for (auto& [k, r] : rows) x.rows.push_back(std::move(r));
  std::map<int, std::set<int64_t>> with;
  for (const auto& e : d.events)
    if (e.review() && e.person != person && reviewed.count(e.version_id)) with[e.person].insert(e.version_id);
  for (const auto& [p, vs] : with) x.reviewed_with.emplace_back(p, static_cast<int>(vs.size()));
  std::stable_sort(x.reviewed_with.begin(), x.reviewed_with.end(),
                   [](auto& a, auto& b) { return a.second > b.second; });
  if (x.reviewed_with.size() > 5) x.reviewed_with.resize(5);
  return x;
}

// ---- suggest ----

namespace {

struct Scored {
  std::vector<double> path, path_plain, area, rust, unsafe_code, active;
  std::vector<int> file_reviews, area_reviews, rust_n, unsafe_n;
  std::vector<int64_t> last;
  std::vector<std::vector<std::string>> maint;
  std::vector<double> maint_score;
};

Scored score_all(const Data& d, const SuggestQuery& q) {
  const size_t n = d.people.size();
  Scored s;
  s.path.assign(n, 0);
  s.path_plain.assign(n, 0);
  s.area.assign(n, 0);
  s.rust.assign(n, 0);
  s.unsafe_code.assign(n, 0);
  s.active.assign(n, 0);
  s.file_reviews.assign(n, 0);
  s.area_reviews.assign(n, 0);
  s.rust_n.assign(n, 0);
  s.unsafe_n.assign(n, 0);
  s.last.assign(n, 0);
  s.maint.assign(n, {});
  s.maint_score.assign(n, 0);
  const int64_t at = q.at;
  // Path similarity: each review event counts once, with its best match.
  std::unordered_map<int, std::pair<double, bool>> best;  // event -> (similarity, same file)
  std::vector<std::vector<std::string>> wanted;
  std::set<int> wanted_idx(q.files.begin(), q.files.end());
  for (int f : q.files) wanted.push_back(d.paths[f].parts);
  for (const auto& p : q.new_paths) wanted.push_back(split_path(p));
  for (size_t g = 0; g < d.paths.size(); ++g) {
    const auto& pe = d.path_events[g];
    if (pe.empty()) continue;
    double sim = 0;
    for (const auto& w : wanted) {
      const int l = common_prefix(w, d.paths[g].parts);
      if (l == 0) continue;
      sim = std::max(sim, static_cast<double>(l) / static_cast<double>(std::max(w.size(), d.paths[g].parts.size())));
    }
    if (sim <= 0) continue;
    const bool same = wanted_idx.count(static_cast<int>(g)) != 0;
    for (int ev : pe) {
      if (at && d.events[ev].date >= at) break;
      auto& b = best[ev];
      if (sim > b.first) b.first = sim;
      b.second = b.second || same;
    }
  }
  for (const auto& [ev, b] : best) {
    const auto& e = d.events[ev];
    const double w = decay(at ? at : d.last, e.date);
    s.path[e.person] += b.first * w;
    s.path_plain[e.person] += b.first;
    if (b.second) ++s.file_reviews[e.person];
    s.last[e.person] = std::max(s.last[e.person], e.date);
  }
  // Areas, Rust, unsafe code, activity.
  std::set<std::string> areas;
  for (int f : q.files)
    for (const auto& a : d.paths[f].areas) areas.insert(a);
  for (const auto& p : q.new_paths) areas.insert(d.maintainers ? "" : path_area(p));
  for (const auto& e : d.events) {
    if (at && e.date >= at) break;
    if (!e.review()) continue;
    const double w = decay(at ? at : d.last, e.date);
    s.active[e.person] += w;
    // Glue (bindings, helpers, Kconfig of Rust code) weighs as Rust
    // experience; the reason counts Rust files only, as `reviewers --lang rust`.
    if (e.classes & (kRust | kGlue)) s.rust[e.person] += w;
    if (e.classes & kRust) ++s.rust_n[e.person];
    if (e.unsafe_code) s.unsafe_code[e.person] += w, ++s.unsafe_n[e.person];
    bool in_area = false;
    for (int f : e.files)
      for (const auto& a : d.paths[f].areas) in_area = in_area || areas.count(a);
    if (in_area) {
      s.area[e.person] += w;
      ++s.area_reviews[e.person];
      s.last[e.person] = std::max(s.last[e.person], e.date);
    }
  }
  // MAINTAINERS.
  if (d.maintainers) {
    std::set<size_t> sections;
    for (int f : q.files)
      for (size_t sec : d.maintainers->best_sections_of(d.paths[f].path)) sections.insert(sec);
    for (const auto& p : q.new_paths)
      for (size_t sec : d.maintainers->best_sections_of(p)) sections.insert(sec);
    for (size_t sec : sections)
      for (auto [p, m] : d.maintainer_people[sec]) {
        if (p < 0) continue;
        const std::string& name = d.maintainers->sections()[sec].name;
        s.maint[p].push_back(std::string(m ? "M: " : "R: ") + name);
        s.maint_score[p] = std::max(s.maint_score[p], m ? 1.5 : 1.0);
      }
  }
  return s;
}

std::string date_text(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string times(int n) { return n == 1 ? "once" : n == 2 ? "twice" : std::to_string(n) + " times"; }

double seam_score(const Scored& s, const SuggestQuery& q, size_t p) {
  double v = kW.path * s.path[p] + kW.area * std::log1p(s.area[p]) + s.maint_score[p] + kW.active * std::log1p(s.active[p]);
  if (q.rust) v += kW.rust * std::log1p(s.rust[p]);
  if (q.unsafe_code) v += kW.unsafe_code * std::log1p(s.unsafe_code[p]);
  return v;
}

std::vector<int> rank(const std::vector<double>& score, const SuggestQuery& q, size_t n) {
  std::vector<int> idx;
  for (size_t p = 0; p < score.size(); ++p)
    if (score[p] > 0 && static_cast<int>(p) != q.author && !q.exclude.count(static_cast<int>(p)))
      idx.push_back(static_cast<int>(p));
  auto cmp = [&](int a, int b) { return score[a] != score[b] ? score[a] > score[b] : a < b; };
  if (idx.size() > n) {
    std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(n), idx.end(), cmp);
    idx.resize(n);
  } else {
    std::sort(idx.begin(), idx.end(), cmp);
  }
  return idx;
}

}  // namespace

std::vector<Suggestion> suggest(const Data& d, const SuggestQuery& q, size_t n) {
  auto s = score_all(d, q);
  std::vector<double> total(d.people.size());
  for (size_t p = 0; p < total.size(); ++p) total[p] = seam_score(s, q, p);
  std::vector<Suggestion> out;
  for (int p : rank(total, q, n)) {
    Suggestion g;
    g.person = p;
    g.score = total[p];
    g.file_reviews = s.file_reviews[p];
    g.area_reviews = s.area_reviews[p];
    g.last = s.last[p];
    g.rust_reviews = s.rust_n[p];
    g.unsafe_reviews = s.unsafe_n[p];
    g.maintainer_of = s.maint[p];
    if (g.file_reviews) g.reasons.push_back("reviewed these files " + times(g.file_reviews));
    if (g.area_reviews) g.reasons.push_back("reviewed in this area " + times(g.area_reviews));
    if (g.last) g.reasons.push_back("last review here " + date_text(g.last));
    if (q.rust && g.rust_reviews) g.reasons.push_back("reviewed Rust " + times(g.rust_reviews));
    if (q.unsafe_code && g.unsafe_reviews)
      g.reasons.push_back("reviewed unsafe code " + times(g.unsafe_reviews));
    for (const auto& m : g.maintainer_of) g.reasons.push_back("listed as " + m + " in MAINTAINERS");
    if (g.reasons.empty()) g.reasons.push_back("reviewed nearby files");
    out.push_back(std::move(g));
  }
  return out;
}

SuggestQuery query_for(const Data& d, const Version& v) {
  SuggestQuery q;
  q.files = v.files;
  q.author = v.author;
  q.rust = v.rust;
  q.unsafe_code = v.unsafe_code;
  for (const auto& e : d.events)
    if (e.version_id == v.id && e.review()) q.exclude.insert(e.person);
  return q;
}

void exclude_trailers(const Data& d, const SeriesVersion& v, SuggestQuery& q) {
  for (const auto& p : v.patches)
    for (const auto& t : p.trailers) {
      if (t.name != "Reviewed-by" && t.name != "Acked-by" && t.name != "Tested-by") continue;
      std::string email = t.email;
      for (auto& ch : email) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (auto it = d.by_email.find(email); it != d.by_email.end() && it->second != q.author)
        q.exclude.insert(it->second);
    }
}

ReplayResult replay(const Data& d) {
  ReplayResult res;
  const char* names[] = {"seam", "most-active", "git-like", "path-only"};
  for (const char* nm : names) {
    res.all.push_back({nm, 0, 0, 0, 0, 0});
    res.rust.push_back({nm, 0, 0, 0, 0, 0});
  }
  // The real reviewers of each version.
  std::map<int64_t, std::set<int>> real;
  for (const auto& e : d.events) {
    if (e.kind != EventKind::trailer || !e.review() || !e.version_id) continue;
    const std::string t = lower(e.trailer);
    if (t != "reviewed-by" && t != "acked-by") continue;
    if (e.date < e.version_date) continue;
    real[e.version_id].insert(e.person);
  }
  const size_t kDepth = 50;
  for (const auto& [vid, who] : real) {
    const Version& v = d.versions.at(vid);
    SuggestQuery q;
    q.files = v.files;
    q.author = v.author;
    q.rust = v.rust;
    q.unsafe_code = v.unsafe_code;
    q.at = v.date;
    auto s = score_all(d, q);
    const size_t n = d.people.size();
    std::vector<double> seam(n), active(n), git(n, 0), path(n);
    for (size_t p = 0; p < n; ++p) {
      seam[p] = seam_score(s, q, p);
      path[p] = s.path_plain[p];
    }
    // Most active: reviews so far; git-like: trailers on these files in the year before.
    std::set<int> files(q.files.begin(), q.files.end());
    for (const auto& e : d.events) {
      if (e.date >= q.at) break;
      if (!e.review()) continue;
      active[e.person] += 1;
      if (e.kind == EventKind::trailer && e.date >= q.at - static_cast<int64_t>(365 * kDay))
        for (int f : e.files)
          if (files.count(f)) {
            git[e.person] += 1;
            break;
          }
    }
    const std::vector<double>* scores[] = {&seam, &active, &git, &path};
    for (size_t m = 0; m < 4; ++m) {
      auto ranked = rank(*scores[m], q, kDepth);
      size_t first = 0;
      for (size_t k = 0; k < ranked.size() && !first; ++k)
        if (who.count(ranked[k])) first = k + 1;
      for (auto* table : {&res.all, &res.rust}) {
        if (table == &res.rust && !v.rust) continue;
        auto& sc = (*table)[m];
        ++sc.cases;
        if (first == 1) ++sc.top1;
        if (first && first <= 3) ++sc.top3;
        if (first && first <= 5) ++sc.top5;
        if (first) sc.mrr += 1.0 / static_cast<double>(first);
      }
    }
  }
  for (auto* table : {&res.all, &res.rust})
    for (auto& sc : *table)
      if (sc.cases) sc.mrr /= sc.cases;
  return res;
}

}  // namespace seam::core::people
