#include "reports/site/pages.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "reports/escape.hpp"
#include "reports/series.hpp"
#include "reports/site/svg.hpp"

namespace seam::reports::site {

namespace {

// --- SHA-256 (FIPS 180-4), for the CSP hash of the inline script ---
std::array<uint8_t, 32> sha256(std::string_view data) {
  static const uint32_t k[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
      0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
      0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
      0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
      0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
      0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
      0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::string m(data);
  const uint64_t bits = static_cast<uint64_t>(data.size()) * 8;
  m += static_cast<char>(0x80);
  while (m.size() % 64 != 56) m += '\0';
  for (int i = 7; i >= 0; --i) m += static_cast<char>((bits >> (i * 8)) & 0xff);
  auto rotr = [](uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
  for (size_t off = 0; off < m.size(); off += 64) {
    uint32_t w[64];
    for (int i = 0; i < 16; ++i)
      w[i] = (static_cast<uint32_t>(static_cast<uint8_t>(m[off + i * 4])) << 24) |
             (static_cast<uint32_t>(static_cast<uint8_t>(m[off + i * 4 + 1])) << 16) |
             (static_cast<uint32_t>(static_cast<uint8_t>(m[off + i * 4 + 2])) << 8) |
             static_cast<uint32_t>(static_cast<uint8_t>(m[off + i * 4 + 3]));
    for (int i = 16; i < 64; ++i) {
      const uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
      const uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
      const uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
  }
  std::array<uint8_t, 32> out{};
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 4; ++j) out[static_cast<size_t>(i * 4 + j)] = static_cast<uint8_t>(h[i] >> (24 - j * 8));
  return out;
}

std::string base64(const uint8_t* p, size_t n) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = static_cast<uint32_t>(p[i]) << 16;
    if (i + 1 < n) v |= static_cast<uint32_t>(p[i + 1]) << 8;
    if (i + 2 < n) v |= p[i + 2];
    out += t[(v >> 18) & 63];
    out += t[(v >> 12) & 63];
    out += i + 1 < n ? t[(v >> 6) & 63] : '=';
    out += i + 2 < n ? t[v & 63] : '=';
  }
  return out;
}

const char* kCss = R"(
:root{color-scheme:light dark;--fg:#1d1f21;--bg:#fdfdfc;--mute:#666;--line:#d8d8d8;--add:#e6ffec;--del:#ffebe9;--accent:#9c3d10}
@media (prefers-color-scheme:dark){:root{--fg:#ddd;--bg:#17181a;--mute:#999;--line:#3a3a3a;--add:#12361e;--del:#4a1c1c;--accent:#f0a070}}
body{font:15px/1.45 system-ui,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1200px;padding:0 1em 3em}
nav{padding:.6em 0;border-bottom:1px solid var(--line);margin-bottom:1em}nav a{margin-right:1.2em}
a{color:var(--accent)}h1{font-size:1.5em;overflow-wrap:anywhere}h2{font-size:1.2em;margin-top:1.6em}h3{font-size:1.05em;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:.25em .45em;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.t{overflow-wrap:anywhere}
.mute{color:var(--mute)}code,pre{font:13px/1.35 ui-monospace,monospace}
pre.excerpt{background:rgba(127,127,127,.08);border:1px solid var(--line);padding:.4em 0;overflow-x:auto;margin:.4em 0}
pre.excerpt span{display:block;padding:0 .6em;white-space:pre}pre.excerpt .add{background:var(--add)}pre.excerpt .del{background:var(--del)}
ol.entries{padding-left:1.4em}li.entry{margin:.8em 0}li.entry.rank-0 .what{font-weight:600}
.tag{display:inline-block;border:1px solid var(--line);border-radius:3px;padding:0 .3em;font-size:.85em;margin-left:.3em}
.chartbox{overflow-x:auto}svg.chart{display:block;margin:.5em 0}svg .axis{stroke:var(--mute)}svg text{fill:var(--fg);font-size:11px}
.filters{margin:.5em 0}.filters input[type=search]{width:24em;max-width:100%}
)";

std::string html_date(int64_t t, bool with_time = false) {
  if (t == 0) return "";
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, with_time ? "%Y-%m-%d %H:%M" : "%Y-%m-%d", &tm);
  return buf;
}

std::string month_of(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m", &tm);
  return buf;
}

// The page around `body`: `root` is the relative path to the site's root
// ("" or "../"); `script` the page's inline script ("" none), allowed by its
// hash and nothing else.
std::string shell(const std::string& title, const std::string& root, const std::string& body,
                  const std::string& script = "") {
  std::string script_src = "'none'";
  if (!script.empty()) {
    const auto d = sha256(script);
    script_src = "'sha256-" + base64(d.data(), d.size()) + "'";
  }
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "img-src data:; script-src " + script_src + "; base-uri 'none'; form-action 'none'\">\n";
  out += "<meta name=\"referrer\" content=\"no-referrer\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<link rel=\"icon\" href=\"data:,\">\n";
  out += "<title>" + html_text(title) + "</title>\n<style>" + std::string(kCss) + "</style></head>\n<body>\n";
  out += "<nav><a href=\"" + root + "index.html\">Series</a><a href=\"" + root + "team.html\">Team</a></nav>\n<main>\n";
  out += body;
  out += "</main>\n";
  if (!script.empty()) out += "<script>" + script + "</script>\n";
  out += "</body></html>\n";
  return out;
}

// A file name of [a-z0-9._-] for mail text, with a hash of it when anything
// had to change.
std::string file_name(const std::string& s) {
  std::string out;
  bool changed = s.empty();
  for (char ch : s) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_') out += c;
    else out += '_', changed = true;
    if (c != ch) changed = true;
  }
  if (out.size() > 48) out.resize(48), changed = true;
  if (!out.empty() && out[0] == '.') out[0] = '_', changed = true;
  if (changed) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    char buf[20];
    std::snprintf(buf, sizeof buf, "-%08x", static_cast<unsigned>(h & 0xffffffffu));
    out += buf;
  }
  return out;
}

std::string num(int v) { return std::to_string(v); }

// Excerpt lines as a <pre>, each line a block span; the lines of a diff
// (every one starting with '+', '-' or ' ') classed add/del/ctx.
std::string excerpt_html(const std::string& text) {
  std::vector<std::string> lines;
  size_t i = 0;
  while (i < text.size()) {
    size_t nl = text.find('\n', i);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(i, nl - i));
    i = nl + 1;
  }
  const bool diff = !lines.empty() && std::all_of(lines.begin(), lines.end(), [](const std::string& l) {
    return !l.empty() && (l[0] == '+' || l[0] == '-' || l[0] == ' ');
  });
  std::string out = "<pre class=\"excerpt\">";
  for (const auto& l : lines) {
    const char* cls = !diff ? "ctx" : l[0] == '+' ? "add" : l[0] == '-' ? "del" : "ctx";
    out += std::string("<span class=\"") + cls + "\">" + html_lines(l) + "</span>";
  }
  out += "</pre>";
  return out;
}

const char* rank_name(int rank) {
  static const char* names[] = {"Unsafe code without a justification", "Rust/C boundary violation", "High severity",
                                "Medium severity", "Low severity", "Other"};
  return names[std::clamp(rank, 0, 5)];
}

std::string trailer_counts(const core::SeriesVersion& v) {
  const auto rc = core::review_counts(v);
  return num(rc.acked) + "·" + num(rc.reviewed) + "·" + num(rc.tested);
}

const std::vector<Stack>& language_stacks() {
  static const std::vector<Stack> s = {{"Rust", "#b7410e"}, {"C", "#4a6fa5"}, {"glue", "#8a6fb0"}};
  return s;
}

std::string chart_box(const std::string& svg) { return "<div class=\"chartbox\">" + svg + "</div>\n"; }

std::string suggestions_html(const std::vector<SuggestionView>& all, const std::string& root,
                             const std::string& only_email = "") {
  std::string rows;
  for (const auto& s : all) {
    std::string who;
    bool mine = only_email.empty();
    for (const auto& r : s.reviewers) {
      if (r.email == only_email) mine = true;
      who += (who.empty() ? "" : "<br>") + std::string("<a href=\"") + root + html_escape(person_path(r.email)) +
             "\">" + html_text(r.name.empty() ? r.email : r.name) + "</a>" +
             (r.reason.empty() ? "" : " <span class=\"mute\">" + html_text(r.reason) + "</span>");
    }
    if (!mine) continue;
    rows += "<tr><td class=\"t\"><a href=\"" + root + html_escape(series_path(s.series_id)) + "\">" +
            html_text(s.series_title) + "</a></td><td>" + who + "</td></tr>\n";
  }
  if (rows.empty()) return "<p class=\"mute\">No reviewer suggestions.</p>\n";
  return "<table class=\"suggestions\"><thead><tr><th>Open series</th><th>Suggested reviewers</th></tr></thead><tbody>\n" +
         rows + "</tbody></table>\n";
}

}  // namespace

std::string series_path(const std::string& series_id) { return "series/" + file_name(series_id) + ".html"; }
std::string person_path(const std::string& email) { return "people/" + file_name(email) + ".html"; }

std::vector<PatchView> patch_views(const Checklist& c) {
  std::vector<PatchView> out;
  for (const auto& p : c.patches) {
    PatchView pv{p.index, p.msgid, p.subject, {}};
    const auto& fs = p.review.findings;
    for (const auto& e : checklist_entries(fs)) {
      const core::Finding& f = fs[e.findings[0]];
      EntryView ev;
      ev.rank = e.rank;
      ev.folded = e.folded;
      ev.path = f.path;
      std::string rules;
      std::set<std::string> seen;
      for (size_t i : e.findings) {
        const auto& g = fs[i];
        std::string place = std::to_string(g.line) + (g.end_line > g.line ? "-" + std::to_string(g.end_line) : "");
        if (e.folded || i == e.findings[0]) ev.place += (ev.place.empty() ? "" : ", ") + place;
        if (seen.insert(g.rule).second) rules += (rules.empty() ? "" : ", ") + g.rule;
      }
      ev.rules = rules;
      ev.severity = f.severity;
      ev.message = f.message;
      ev.question = f.question;
      ev.excerpt = f.snippet;
      for (size_t i : e.findings) {
        const auto& g = fs[i];
        if (!g.safety_state) continue;
        if (*g.safety_state == "present") {
          // The comment on one line, without its "SAFETY:" (the page says it).
          std::string text;
          for (char ch : g.safety_comment.value_or("SAFETY:")) {
            const bool space = ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
            if (!space) text += ch;
            else if (!text.empty() && text.back() != ' ') text += ' ';
          }
          if (text.rfind("SAFETY:", 0) == 0) text.erase(0, 7);
          while (!text.empty() && text.front() == ' ') text.erase(0, 1);
          ev.safety = text.empty() ? "(empty)" : text;
          // An unsafe fn or trait is documented by a "# Safety" section
          // (or its trait's), not by a SAFETY comment.
          if (!g.safety_comment) ev.safety.clear();
        }
        ev.safety_state = *g.safety_state;
        break;
      }
      pv.entries.push_back(std::move(ev));
    }
    out.push_back(std::move(pv));
  }
  return out;
}

IndexRow index_row(const core::Series& s, const Checklist* c) {
  IndexRow r;
  r.id = s.id;
  r.title = s.title;
  r.author = s.author_name.empty() ? s.author_email : s.author_name;
  r.rust = s.rust;
  if (!s.versions.empty()) {
    const auto& v = s.versions.back();
    r.version = v.version;
    r.received = static_cast<int>(v.patches.size());
    r.expected = v.expected;
    r.date = v.date;
    const auto rc = core::review_counts(v);
    r.acked = rc.acked, r.reviewed = rc.reviewed, r.tested = rc.tested;
  }
  if (c) {
    int rust = 0, total = 0;
    for (const auto& p : c->patches) {
      for (const auto& f : p.review.files) {
        total += f.added + f.removed;
        if (f.cls == "rust" || f.cls == "rust-c-glue") rust += f.added + f.removed;
      }
      for (const auto& f : p.review.findings)
        if (f.rule == "unsafe-block") {
          ++r.unsafe_blocks;
          if (f.safety_state && *f.safety_state == "missing") ++r.without_safety;
        }
    }
    r.rust_percent = total == 0 ? 0 : (rust * 100 + total / 2) / total;
  }
  return r;
}

std::vector<MonthView> series_months(const std::vector<core::Series>& all,
                                     const std::vector<const Checklist*>& checklists) {
  std::map<std::string, MonthView> by;
  for (size_t i = 0; i < all.size(); ++i) {
    const auto& s = all[i];
    bool rust = s.rust, c = false, glue = false;
    if (i < checklists.size() && checklists[i]) {
      rust = false;
      for (const auto& p : checklists[i]->patches)
        for (const auto& f : p.review.files) {
          if (f.cls == "rust") rust = true;
          else if (f.cls == "rust-c-glue") glue = true;
          else if (f.cls == "c" || f.cls == "c-header") c = true;
        }
    }
    for (const auto& v : s.versions) {
      if (v.date <= 0) continue;
      auto& m = by[month_of(v.date)];
      if (glue || (rust && c)) ++m.glue;
      else if (rust) ++m.rust;
      else ++m.c;
    }
  }
  std::vector<MonthView> out;
  if (by.empty()) return out;
  int y = std::stoi(by.begin()->first.substr(0, 4)), mo = std::stoi(by.begin()->first.substr(5, 2));
  const std::string last = by.rbegin()->first;
  for (;;) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d", y, mo);
    auto it = by.find(buf);
    MonthView m = it == by.end() ? MonthView{} : it->second;
    m.month = buf;
    out.push_back(m);
    if (buf == last) break;
    if (++mo > 12) mo = 1, ++y;
  }
  return out;
}

std::string series_months_chart(const std::vector<MonthView>& months) {
  BarChart c{"Series versions posted per month, by language", language_stacks(), {}, {}};
  for (const auto& m : months) {
    c.labels.push_back(m.month);
    c.values.push_back({m.rust, m.c, m.glue});
  }
  return stacked_bars(c);
}

std::string review_months_chart(const std::vector<MonthView>& months, const std::string& who) {
  BarChart c{"Reviews per month by language: " + who, language_stacks(), {}, {}};
  for (const auto& m : months) {
    c.labels.push_back(m.month);
    c.values.push_back({m.rust, m.c, m.glue});
  }
  return stacked_bars(c);
}

std::string unsafe_months_chart(const std::vector<MonthView>& months, const std::string& who) {
  BarChart c{"Reviews of unsafe code and of the Rust/C boundary per month: " + who,
             {{"unsafe", "#c0392b"}, {"boundary", "#d4a017"}}, {}, {}};
  for (const auto& m : months) {
    c.labels.push_back(m.month);
    c.values.push_back({m.unsafe_reviews, m.boundary_reviews});
  }
  return stacked_bars(c);
}

std::string areas_chart(const std::vector<AreaView>& areas, const std::string& who) {
  BarChart c{"Areas reviewed: " + who, {{"reviews", "#4a6fa5"}}, {}, {}};
  for (const auto& a : areas) {
    c.labels.push_back(a.name);
    c.values.push_back({a.count});
  }
  return horizontal_bars(c);
}

std::string index_page(const Site& site) {
  std::string body = "<h1>Patch series</h1>\n<p>" + num(static_cast<int>(site.rows.size())) + " series" +
                     (site.since.empty() ? "" : " with a version since " + html_text(site.since)) +
                     ", newest first. A·R·T: Acked-by, Reviewed-by, Tested-by trailers of the newest version.</p>\n";
  body += "<div class=\"filters\" id=\"filters\" hidden><input type=\"search\" id=\"q\" placeholder=\"Filter: title, "
          "author, id\" aria-label=\"Filter series\"> <label><input type=\"checkbox\" id=\"rust\"> Rust only</label> "
          "<span id=\"shown\" class=\"mute\"></span></div>\n";
  body += "<table id=\"series\"><thead><tr><th>Series</th><th>Author</th><th class=\"n\">Version</th>"
          "<th class=\"n\">Patches</th><th class=\"n\">A·R·T</th><th class=\"n\">Rust</th>"
          "<th class=\"n\">Unsafe (no SAFETY)</th><th>Review</th><th class=\"n\">Date</th></tr></thead><tbody>\n";
  for (const auto& r : site.rows) {
    body += std::string("<tr") + (r.rust ? " data-rust=\"1\"" : "") + "><td class=\"t\"><a href=\"" +
            html_escape(series_path(r.id)) + "\">" + html_text(r.title) + "</a> <span class=\"mute\">" +
            html_text(r.id) + "</span></td><td class=\"t\">" + html_text(r.author) + "</td><td class=\"n\">v" +
            num(r.version) + "</td><td class=\"n\">" + num(r.received) + "/" + num(r.expected) + "</td><td class=\"n\">" +
            num(r.acked) + "·" + num(r.reviewed) + "·" + num(r.tested) + "</td><td class=\"n\">" +
            (r.rust_percent < 0 ? std::string(r.rust ? "yes" : "") : num(r.rust_percent) + "%") +
            "</td><td class=\"n\">" + (r.rust_percent < 0 ? "" : num(r.unsafe_blocks) + " (" + num(r.without_safety) + ")") +
            "</td><td>" + html_text(r.progress) + "</td><td class=\"n\">" + html_date(r.date) + "</td></tr>\n";
  }
  body += "</tbody></table>\n";
  static const std::string script =
      "(function(){var f=document.getElementById('filters'),q=document.getElementById('q'),"
      "ru=document.getElementById('rust'),n=document.getElementById('shown'),"
      "rows=document.querySelectorAll('#series tbody tr');f.hidden=false;"
      "function go(){var t=q.value.toLowerCase(),k=0;for(var i=0;i<rows.length;i++){var r=rows[i];"
      "var h=(t!==''&&r.textContent.toLowerCase().indexOf(t)<0)||(ru.checked&&!r.hasAttribute('data-rust'));"
      "r.hidden=h;if(!h)k++;}n.textContent=k+' shown';}"
      "q.addEventListener('input',go);ru.addEventListener('change',go);go();})();";
  return shell("seam: patch series", "", body, script);
}

std::string series_page(const SeriesPage& page) {
  const core::Series& s = page.series;
  const std::string author = s.author_name.empty() ? s.author_email : s.author_name;
  std::string body = "<h1>" + html_text(s.title) + "</h1>\n<p>Series <code>" + html_text(s.id) + "</code> by " +
                     html_text(author) + (s.author_email.empty() ? "" : " &lt;" + html_text(s.author_email) + "&gt;") +
                     (s.rust ? " <span class=\"tag\">Rust</span>" : "") +
                     (s.pull ? " <span class=\"tag\">pull request</span>" : "") + "</p>\n";
  // Versions.
  body += "<h2>Versions</h2>\n<table class=\"versions\"><thead><tr><th>Version</th><th class=\"n\">Date</th>"
          "<th class=\"n\">Patches</th><th class=\"n\">A·R·T</th><th>Cover letter</th></tr></thead><tbody>\n";
  for (const auto& v : s.versions) {
    body += "<tr><td>v" + num(v.version) + (v.rfc ? " <span class=\"tag\">RFC</span>" : "") +
            (v.resend ? " <span class=\"tag\">RESEND</span>" : "") + "</td><td class=\"n\">" + html_date(v.date, true) +
            "</td><td class=\"n\">" + num(static_cast<int>(v.patches.size())) + "/" + num(v.expected) +
            "</td><td class=\"n\">" + trailer_counts(v) + "</td><td class=\"t\">" +
            (v.cover ? "<code>" + html_text(*v.cover) + "</code>" : std::string("<span class=\"mute\">none</span>")) +
            "</td></tr>\n";
  }
  body += "</tbody></table>\n";
  // Changes between versions.
  const auto changes = version_changes(s);
  if (!changes.empty()) {
    body += "<h2>Changes between versions</h2>\n<p class=\"mute\">Patches paired by patch id, then by title.</p>\n<ul class=\"changes\">\n";
    auto list = [](const std::vector<int>& v) {
      std::string r;
      for (int i : v) r += (r.empty() ? "" : ", ") + std::to_string(i);
      return r.empty() ? std::string("none") : r;
    };
    for (const auto& c : changes) {
      body += "<li>v" + num(c.from) + " → v" + num(c.to) + ": unchanged " + list(c.unchanged) + "; changed " +
              list(c.changed) + "; added " + list(c.added) + "; removed " + list(c.removed);
      if (!c.moved.empty()) {
        body += "; moved";
        for (const auto& [o, n] : c.moved) body += " " + num(o) + "→" + num(n);
      }
      body += "</li>\n";
    }
    body += "</ul>\n";
  }
  // Patches of each version, newest open.
  body += "<h2>Patches</h2>\n";
  for (size_t k = s.versions.size(); k-- > 0;) {
    const auto& v = s.versions[k];
    body += std::string("<details") + (k + 1 == s.versions.size() ? " open" : "") + "><summary>v" + num(v.version) +
            ": " + num(static_cast<int>(v.patches.size())) + "/" + num(v.expected) + " patches";
    if (auto miss = v.missing(); !miss.empty()) {
      body += ", missing";
      for (int m : miss) body += " " + num(m);
    }
    body += "</summary>\n<table class=\"patches\"><tbody>\n";
    for (const auto& p : v.patches) {
      std::string trailers;
      for (const auto& t : p.trailers)
        trailers += "<br><span class=\"mute\">" + html_text(t.name) + ": " + html_text(t.value) + "</span>";
      body += "<tr><td class=\"n\">" + num(p.index) + "/" + num(v.expected) + "</td><td class=\"t\">" +
              html_text(p.subject) + (p.carried ? " <span class=\"tag\">carried</span>" : "") + trailers +
              "</td><td class=\"t\"><code>" + html_text(p.patch_id.substr(0, 12)) + "</code></td></tr>\n";
    }
    body += "</tbody></table></details>\n";
  }
  // Notes on the series.
  if (!page.notes.empty()) {
    body += "<h2>Notes</h2>\n<ul class=\"notes\">\n";
    for (const auto& n : page.notes) body += "<li><pre class=\"note\">" + html_lines(n) + "</pre></li>\n";
    body += "</ul>\n";
  }
  // Checklist.
  body += "<h2>Review checklist (v" + num(s.versions.empty() ? 0 : s.versions.back().version) + ")</h2>\n";
  if (!page.checklist_error.empty()) body += "<p class=\"mute\">No checklist: " + html_text(page.checklist_error) + "</p>\n";
  int total = 0, ticked = 0;
  for (const auto& p : page.patches)
    for (const auto& e : p.entries) ++total, ticked += e.tick ? 1 : 0;
  if (page.checklist_error.empty())
    body += "<p>" + num(total) + " entries, " + num(ticked) + " ticked.</p>\n";
  const int expected = s.versions.empty() ? 0 : s.versions.back().expected;
  for (const auto& p : page.patches) {
    body += "<section class=\"patch\"><h3>[" + num(p.index) + "/" + num(expected) + "] " + html_text(p.subject) +
            "</h3>\n<p class=\"mute\">Message-ID: <code>" + html_text(p.msgid) + "</code></p>\n";
    if (p.entries.empty()) {
      body += "<p class=\"mute\">Nothing for the rules to flag.</p></section>\n";
      continue;
    }
    body += "<ol class=\"entries\">\n";
    for (const auto& e : p.entries) {
      body += "<li class=\"entry rank-" + num(std::clamp(e.rank, 0, 5)) + "\"><input type=\"checkbox\" disabled" +
              (e.tick ? " checked" : "") + " aria-label=\"" + (e.tick ? "ticked" : "not ticked") + "\"> <span class=\"what\"><code>" +
              html_text(e.path + ":" + e.place) + "</code> " + html_text(e.message) + "</span> <span class=\"tag\">" +
              html_text(e.rules) + "</span><span class=\"tag\">" + html_text(e.severity) + "</span><span class=\"tag\">" +
              rank_name(e.rank) + "</span>\n";
      if (!e.excerpt.empty()) body += excerpt_html(e.excerpt) + "\n";
      if (e.safety_state == "present" && e.safety.empty())
        body += "<p class=\"safety\"><strong># Safety</strong> section present (or inherited from the trait).</p>\n";
      else if (e.safety_state == "present")
        body += "<p class=\"safety\"><strong>SAFETY:</strong> " + html_text(e.safety) + "</p>\n";
      else if (e.safety_state == "missing")
        body += "<p class=\"safety\"><strong>No SAFETY comment.</strong></p>\n";
      else if (!e.safety_state.empty())
        body += "<p class=\"safety\"><strong>SAFETY comment not visible</strong> in the patch's context.</p>\n";
      if (!e.question.empty()) body += "<p><strong>Check:</strong> " + html_text(e.question) + "</p>\n";
      for (const auto& n : e.notes) body += "<pre class=\"note\">" + html_lines(n) + "</pre>\n";
      body += "</li>\n";
    }
    body += "</ol></section>\n";
  }
  return shell("seam: " + s.title, "../", body);
}

std::string team_page(const TeamView& team) {
  std::string body = "<h1>Team</h1>\n<h2>Series per month</h2>\n";
  body += "<p class=\"mute\">Each version counts in the month it was posted; its language from its files: glue when "
          "it touches Rust/C glue or both Rust and C.</p>\n";
  if (team.series_months.empty()) body += "<p class=\"mute\">No dated series.</p>\n";
  else body += chart_box(series_months_chart(team.series_months));
  body += "<h2>Reviews per month</h2>\n";
  if (team.review_months.empty()) {
    body += "<p class=\"mute\">No review data.</p>\n";
  } else {
    body += chart_box(review_months_chart(team.review_months, "team"));
    body += "<h2>Unsafe and boundary reviews</h2>\n" + chart_box(unsafe_months_chart(team.review_months, "team"));
  }
  if (!team.areas.empty()) body += "<h2>Areas</h2>\n" + chart_box(areas_chart(team.areas, "team"));
  body += "<h2>Reviewers</h2>\n";
  if (team.people.empty()) {
    body += "<p class=\"mute\">No reviewers.</p>\n";
  } else {
    body += "<table class=\"people\"><thead><tr><th>Reviewer</th><th class=\"n\">Reviews</th></tr></thead><tbody>\n";
    for (const auto& p : team.people) {
      int n = 0;
      for (const auto& m : p.months) n += m.rust + m.c + m.glue;
      body += "<tr><td class=\"t\"><a href=\"" + html_escape(person_path(p.email)) + "\">" +
              html_text(p.name.empty() ? p.email : p.name) + "</a> <span class=\"mute\">" + html_text(p.email) +
              "</span></td><td class=\"n\">" + num(n) + "</td></tr>\n";
    }
    body += "</tbody></table>\n";
  }
  body += "<h2>Suggested reviewers for open series</h2>\n" + suggestions_html(team.suggestions, "");
  return shell("seam: team", "", body);
}

std::string person_page(const PersonView& p, const std::vector<SuggestionView>& suggestions) {
  const std::string who = p.name.empty() ? p.email : p.name;
  std::string body = "<h1>" + html_text(who) + "</h1>\n<p class=\"mute\">" + html_text(p.email) + "</p>\n";
  body += "<h2>Reviews per month</h2>\n";
  if (p.months.empty()) body += "<p class=\"mute\">No reviews.</p>\n";
  else {
    body += chart_box(review_months_chart(p.months, who));
    body += "<h2>Unsafe and boundary reviews</h2>\n" + chart_box(unsafe_months_chart(p.months, who));
  }
  body += "<h2>Areas</h2>\n";
  if (p.areas.empty()) body += "<p class=\"mute\">No areas.</p>\n";
  else body += chart_box(areas_chart(p.areas, who));
  body += "<h2>Open series suggested to " + html_text(who) + "</h2>\n" + suggestions_html(suggestions, "../", p.email);
  return shell("seam: " + who, "../", body);
}

std::string write_site(const Site& site, const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const char* sub : {"", "series", "people"}) {
    fs::create_directories(fs::path(dir) / sub, ec);
    if (ec) return (fs::path(dir) / sub).string() + ": " + ec.message();
  }
  auto put = [&](const std::string& rel, const std::string& text) -> std::string {
    const fs::path p = fs::path(dir) / rel;
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    if (f) f.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (f) f.close();
    if (!f) return p.string() + ": cannot write";
    return "";
  };
  if (auto e = put("index.html", index_page(site)); !e.empty()) return e;
  if (auto e = put("team.html", team_page(site.team)); !e.empty()) return e;
  for (const auto& s : site.series)
    if (auto e = put(series_path(s.series.id), series_page(s)); !e.empty()) return e;
  for (const auto& p : site.team.people)
    if (auto e = put(person_path(p.email), person_page(p, site.team.suggestions)); !e.empty()) return e;
  return "";
}

}  // namespace seam::reports::site
