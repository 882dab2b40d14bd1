// seam site: the renderers (views filled by hand), the command over the
// fixture store tests/data/site/site.mbox, and every kind of page loaded in
// a real headless Chromium: charts with the right number of bars, no console
// message, no network request, hostile mail that runs nothing.
#include <doctest/doctest.h>

#include <filesystem>
#include <regex>
#include <string>

#include "reports/escape.hpp"
#include "reports/site/pages.hpp"
#include "reports/site/svg.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using namespace seam;
using seam::test::read_bytes;
using seam::test::shell;

namespace {

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + needle.size())) ++n;
  return n;
}

// The text between the first `from` after `start` and the next `to`.
std::string between(const std::string& s, const std::string& from, const std::string& to, size_t start = 0) {
  size_t a = s.find(from, start);
  if (a == std::string::npos) return {};
  a += from.size();
  size_t b = s.find(to, a);
  return s.substr(a, b == std::string::npos ? std::string::npos : b - a);
}

// The bars of the n-th <svg> of a page.
size_t bars_of_chart(const std::string& html, size_t n) {
  size_t p = 0;
  for (size_t i = 0; i <= n; ++i) {
    p = html.find("<svg", p + (i ? 1 : 0));
    if (p == std::string::npos) return 0;
  }
  const size_t end = html.find("</svg>", p);
  return count(html.substr(p, end - p), "<g class=\"bar\"");
}

const char* kHostileName = "Mallory <script>document.title='PWNED'</script>"
                           "<img src=x onerror=\"document.body.setAttribute('data-pwned','yes')\">";

// A site whose team and people views are filled by hand (the lead fills them
// from core/people): two people, one with a hostile name.
reports::site::Site people_site() {
  using namespace reports::site;
  Site site;
  PersonView bob{"Bob Reviewer", "bob@example.org", {}, {}};
  bob.months = {{"2026-01", 2, 1, 0, 1, 0}, {"2026-02", 0, 3, 1, 0, 1}, {"2026-03", 4, 0, 2, 2, 2}, {"2026-04", 1, 1, 1, 0, 0}};
  bob.areas = {{"rust/kernel", 7}, {"drivers/gpu", 3}, {"scripts", 1}};
  PersonView mal{kHostileName, "mal<x>\"@example.org", {}, {}};
  mal.months = {{"2026-03", 1, 0, 0, 1, 0}};
  mal.areas = {{"javascript:alert(1) <b>x</b>", 1}};
  site.team.people = {bob, mal};
  site.team.review_months = {{"2026-01", 2, 1, 0, 1, 0}, {"2026-02", 0, 3, 1, 0, 1}, {"2026-03", 5, 0, 2, 3, 2}};
  site.team.areas = {{"rust/kernel", 8}, {"drivers/gpu", 3}};
  site.team.series_months = {{"2026-02", 1, 2, 0, 0, 0}, {"2026-03", 0, 0, 1, 0, 0}};
  site.team.suggestions = {{"abc123", kHostileName, {{"Bob Reviewer", "bob@example.org", "reviewed rust/kernel 7 times"},
                                                      {kHostileName, "mal<x>\"@example.org", kHostileName}}}};
  return site;
}

std::string chromium() {
  int status = 0;
  std::string p = shell("command -v chromium 2>/dev/null", &status);
  while (!p.empty() && (p.back() == '\n' || p.back() == ' ')) p.pop_back();
  return status == 0 ? p : "";
}

struct Load {
  std::string dom;         // --dump-dom
  std::string console;     // the page's console messages
  int page_requests = 0;   // network requests the page made (net log)
};

// Loads `page` from file:// in headless Chromium as root: once dumping the
// DOM, with the browser's log on stderr (console messages are its
// "CONSOLE" lines) and a net log (requests a page makes carry a file://
// network isolation key; Chromium's own background requests do not);
// every host name resolves to nothing, so even a request that got out
// would reach no one. With `screenshot`, a second run draws it to a PNG.
Load load(const fs::path& page, const fs::path& work, const fs::path& screenshot = {}) {
  static int run = 0;
  const fs::path dir = work / ("chromium-" + std::to_string(++run));
  fs::create_directories(dir);
  const std::string common =
      "'" + chromium() + "' --headless=new --no-sandbox --disable-gpu --no-first-run --no-default-browser-check "
      "--disable-background-networking --disable-component-update --disable-sync --disable-extensions "
      "--disable-default-apps --no-pings --disable-domain-reliability "
      "--host-resolver-rules='MAP * ~NOTFOUND' --user-data-dir='" + (dir / "profile").string() + "' ";
  const std::string url = "'file://" + fs::absolute(page).string() + "'";
  Load l;
  l.dom = shell("timeout 120 " + common + "--enable-logging=stderr --v=0 --log-net-log='" + (dir / "net.json").string() +
                "' --dump-dom " + url + " 2>'" + (dir / "stderr").string() + "'");
  const std::string err = read_bytes(dir / "stderr");
  for (size_t p = err.find(":CONSOLE"); p != std::string::npos; p = err.find(":CONSOLE", p + 1))
    l.console += err.substr(p, err.find('\n', p) - p) + "\n";
  l.page_requests = static_cast<int>(count(read_bytes(dir / "net.json"), "\"network_isolation_key\":\"file://"));
  if (!screenshot.empty()) {
    shell("cd '" + dir.string() + "' && timeout 120 " + common + "--window-size=1100,800 --hide-scrollbars "
          "--screenshot='" + screenshot.string() + "' " + url + " >/dev/null 2>&1");
    const std::string png = read_bytes(screenshot);
    CHECK(png.size() > 1000);
    CHECK(png.rfind("\x89PNG", 0) == 0);
  }
  return l;
}

// What every loaded page must show: no console message, no request, and
// none of the hostile payloads turned into markup or run.
void check_clean(const Load& l, const std::string& what) {
  INFO(what);
  CHECK_MESSAGE(l.console.empty(), l.console);
  CHECK(l.page_requests == 0);
  CHECK(l.dom.find("<title>PWNED") == std::string::npos);
  CHECK(l.dom.find("data-pwned=\"yes\"") == std::string::npos);
  CHECK(l.dom.find("<img") == std::string::npos);
  CHECK(l.dom.find("<a href=\"javascript:") == std::string::npos);
  CHECK(l.dom.find("</html>") != std::string::npos);
}

}  // namespace

TEST_CASE("html_escape and html_text") {
  CHECK(reports::html_escape("<a href=\"x\" onclick='y'>&amp;</a>") ==
        "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  CHECK(reports::html_text("a\x1b]0;t\x07<b>") == "a\\x1b]0;t\\x07&lt;b&gt;");
  CHECK(reports::html_lines("x\n\t<y>\n") == "x\n\t&lt;y&gt;\n");
}

TEST_CASE("site: stacked bars have one <g class=bar> per label and one rect per non-empty segment") {
  reports::site::BarChart c{"t <x>", {{"Rust", "#a00"}, {"C", "#00a"}}, {"2026-01", "2026-02", "<m>"}, {{1, 2}, {0, 0}, {3, 0}}};
  const std::string svg = reports::site::stacked_bars(c);
  CHECK(count(svg, "<g class=\"bar\"") == 3);
  CHECK(count(svg, "<rect class=\"seg\"") == 3);
  CHECK(svg.find("<title>t &lt;x&gt;</title>") != std::string::npos);
  CHECK(svg.find("&lt;m&gt;") != std::string::npos);
  CHECK(svg.find("<m>") == std::string::npos);
  CHECK(svg.find(">3</text>") != std::string::npos);  // the top of the scale
}

TEST_CASE("site: person and team pages from hand-filled views") {
  const auto site = people_site();
  const std::string bob = reports::site::person_page(site.team.people[0], site.team.suggestions);
  CHECK(bars_of_chart(bob, 0) == 4);  // reviews per month
  CHECK(bars_of_chart(bob, 1) == 4);  // unsafe and boundary reviews
  CHECK(bars_of_chart(bob, 2) == 3);  // areas
  CHECK(bob.find("reviewed rust/kernel 7 times") != std::string::npos);
  const std::string mal = reports::site::person_page(site.team.people[1], site.team.suggestions);
  CHECK(mal.find("<script>document") == std::string::npos);
  CHECK(mal.find("<img") == std::string::npos);
  CHECK(mal.find("&lt;script&gt;document.title=&#39;PWNED&#39;") != std::string::npos);
  const std::string team = reports::site::team_page(site.team);
  CHECK(bars_of_chart(team, 0) == 2);  // series per month
  CHECK(bars_of_chart(team, 1) == 3);  // reviews per month
  CHECK(bars_of_chart(team, 2) == 3);  // unsafe and boundary
  CHECK(bars_of_chart(team, 3) == 2);  // areas
  CHECK(team.find(reports::site::person_path("mal<x>\"@example.org")) != std::string::npos);
  const std::string path = reports::site::person_path("mal<x>\"@example.org");
  CHECK(std::regex_match(path, std::regex("people/[a-z0-9._-]+\\.html")));
  CHECK(path != reports::site::person_path("mal_x__@example.org"));
  for (const auto* page : {&bob, &mal, &team}) {
    CHECK(page->find("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
                     "img-src data:; script-src 'none'") != std::string::npos);
    CHECK(page->find("<script") == std::string::npos);
  }
}

TEST_CASE("site: series page from hand-filled views: excerpts as diff lines, ticks, notes, changes") {
  reports::site::SeriesPage page;
  auto& s = page.series;
  s.id = "s1";
  s.title = "rust: <b>x</b>";
  s.author_name = "Alice";
  s.versions.resize(2);
  s.versions[0].version = 1;
  s.versions[0].expected = 2;
  s.versions[0].patches = {{1, "a1@example.org", "[PATCH 1/2] a", "pid-a", false, {}},
                           {2, "b1@example.org", "[PATCH 2/2] b", "pid-b", false, {}}};
  s.versions[1].version = 2;
  s.versions[1].expected = 2;
  s.versions[1].patches = {{1, "a2@example.org", "[PATCH v2 1/2] a", "pid-a", false, {}},
                           {2, "c2@example.org", "[PATCH v2 2/2] c", "pid-c", false, {}}};
  reports::site::EntryView e;
  e.rank = 1;
  e.path = "rust/helpers.c";
  e.place = "3";
  e.rules = "rust-c-glue";
  e.message = "glue";
  e.excerpt = " int a;\n-int b;\n+int c; /* <script> */\n";
  e.tick = true;
  e.notes = {"looked at <this>"};
  page.patches = {{1, "a2@example.org", "[PATCH v2 1/2] a", {e}}};
  page.notes = {"whole-series note & more"};
  const std::string html = reports::site::series_page(page);
  CHECK(html.find("<span class=\"ctx\"> int a;</span><span class=\"del\">-int b;</span>"
                  "<span class=\"add\">+int c; /* &lt;script&gt; */</span>") != std::string::npos);
  CHECK(html.find("<input type=\"checkbox\" disabled checked") != std::string::npos);
  CHECK(html.find("1 entries, 1 ticked.") != std::string::npos);
  CHECK(html.find("looked at &lt;this&gt;") != std::string::npos);
  CHECK(html.find("whole-series note &amp; more") != std::string::npos);
  CHECK(html.find("v1 → v2: unchanged 1; changed none; added 2; removed 2") != std::string::npos);
  CHECK(html.find("<h1>rust: &lt;b&gt;x&lt;/b&gt;</h1>") != std::string::npos);
}

TEST_CASE("site: series per month by language, months without series included") {
  core::Series a, b;
  a.id = "a";
  a.rust = true;
  a.versions.resize(2);
  a.versions[0].date = 1768471200;  // 2026-01-15
  a.versions[1].date = 1772445600;  // 2026-03-02
  b.id = "b";
  b.versions.resize(1);
  b.versions[0].date = 1772445600;
  const auto months = reports::site::series_months({a, b}, {});
  REQUIRE(months.size() == 3);
  CHECK(months[0].month == "2026-01");
  CHECK(months[0].rust == 1);
  CHECK(months[1].month == "2026-02");
  CHECK(months[1].rust + months[1].c + months[1].glue == 0);
  CHECK(months[2].rust == 1);
  CHECK(months[2].c == 1);
}

TEST_CASE("site: seam site over the fixture store") {
  test::TempDir tmp;
  const std::string seam = std::string("'") + SEAM_BINARY + "' --db '" + (tmp / "s.db").string() + "' ";
  shell(seam + "ingest '" + test::data("site/site.mbox").string() + "' >/dev/null");
  shell(seam + "site -o '" + (tmp / "out").string() + "'");
  const std::string index = read_bytes(tmp / "out/index.html");
  CHECK(count(index, "<tr data-rust") + count(index, "<tr><td") == 3);
  CHECK(index.find("rust: add a counter") != std::string::npos);
  CHECK(index.find("1·1·0") == std::string::npos);  // the Reviewed-by is v2's: 0·1·0
  CHECK(index.find("0·1·0") != std::string::npos);
  // One <script>, allowed by its hash; no other script source.
  CHECK(count(index, "<script") == 1);
  CHECK(index.find("script-src 'sha256-") != std::string::npos);
  CHECK(index.find("<script>document") == std::string::npos);
  const std::string team = read_bytes(tmp / "out/team.html");
  CHECK(bars_of_chart(team, 0) == 3);
  // The counter's page: versions, changes by patch id, checklist excerpts.
  const size_t title = index.find(">rust: add a counter<");
  REQUIRE(title != std::string::npos);
  const std::string id = between(index, "href=\"series/", ".html\"", index.rfind("href=\"series/", title));
  REQUIRE(!id.empty());
  const std::string counter = read_bytes(tmp / "out/series" / (id + ".html"));
  CHECK(counter.find("v1 → v2: unchanged 1; changed 2; added 3; removed none") != std::string::npos);
  CHECK(counter.find("<pre class=\"excerpt\">") != std::string::npos);
  CHECK(counter.find("No SAFETY comment.") != std::string::npos);
  // The hostile page: every payload shown as text.
  for (const auto& e : fs::directory_iterator(tmp / "out/series")) {
    const std::string page = read_bytes(e.path());
    CHECK(page.find("<script") == std::string::npos);
    CHECK(page.find("<img") == std::string::npos);
    CHECK(page.find("<a href=\"javascript") == std::string::npos);
  }
  // --since keeps the series with a version since then.
  shell(seam + "site --since 2026-03 -o '" + (tmp / "since").string() + "'");
  const std::string since = read_bytes(tmp / "since/index.html");
  CHECK(since.find("kbuild: quote the output path") == std::string::npos);
  CHECK(since.find("rust: add a counter") != std::string::npos);
  int status = 0;
  shell(seam + "site --since 2026-02-30 -o '" + (tmp / "bad").string() + "' 2>/dev/null", &status);
  CHECK(WEXITSTATUS(status) == 2);
}

TEST_CASE("site: notes, ticks and reviewers from the store") {
  test::TempDir tmp;
  const std::string seam = std::string("'") + SEAM_BINARY + "' --db '" + (tmp / "s.db").string() + "' ";
  shell(seam + "ingest '" + test::data("site/site.mbox").string() + "' >/dev/null");
  // The counter series' newest checklist: tick its first item, note its second.
  const std::string list = shell(seam + "series --json");
  const size_t at = list.find("rust: add a counter");
  REQUIRE(at != std::string::npos);
  const std::string id = between(list, "\"id\":\"", "\"", list.rfind("\"id\":\"", at));
  REQUIRE(!id.empty());
  const std::string json = shell(seam + "checklist " + id + " --json");
  std::vector<std::string> ids;
  for (size_t p = 0; (p = json.find("\"id\": \"", p)) != std::string::npos; p += 7) {
    std::string item = between(json, "\"id\": \"", "\"", p);
    if (item.find(':') != std::string::npos) ids.push_back(item);
  }
  REQUIRE(ids.size() >= 2);
  shell(seam + "note '" + ids[0] + "' --done >/dev/null");
  shell(seam + "note '" + ids[1] + "' 'Say why this cannot overflow.' >/dev/null");
  shell(seam + "site -o '" + (tmp / "out").string() + "'");
  const std::string index = read_bytes(tmp / "out/index.html");
  CHECK(index.find("1/" + std::to_string(ids.size()) + " ticked") != std::string::npos);
  const std::string page = read_bytes(tmp / "out/series" / (id + ".html"));
  CHECK(page.find("Say why this cannot overflow.") != std::string::npos);
  // The reviewer of v2 has a page, linked from the team page, with a chart.
  const std::string team = read_bytes(tmp / "out/team.html");
  CHECK(team.find("href=\"people/") != std::string::npos);
  size_t people = 0;
  for (const auto& e : fs::directory_iterator(tmp / "out/people")) {
    ++people;
    CHECK(read_bytes(e.path()).find("<svg") != std::string::npos);
  }
  CHECK(people >= 1);
}

TEST_CASE("site: every kind of page in headless Chromium") {
  const std::string browser = chromium();
  REQUIRE_MESSAGE(!browser.empty(), "chromium is not installed (scripts/install-deps.sh installs it)");
  test::TempDir tmp;
  // The network check sees a request when there is one.
  test::write_file(tmp / "control.html", "<!DOCTYPE html><html><body><img src=\"http://evil.example/x.png\"></body></html>");
  CHECK(load(tmp / "control.html", tmp.path()).page_requests > 0);

  const std::string seam = std::string("'") + SEAM_BINARY + "' --db '" + (tmp / "s.db").string() + "' ";
  shell(seam + "ingest '" + test::data("site/site.mbox").string() + "' >/dev/null");
  shell(seam + "site -o '" + (tmp / "out").string() + "'");
  REQUIRE(reports::site::write_site(people_site(), (tmp / "people").string()).empty());

  auto index = load(tmp / "out/index.html", tmp.path(), tmp / "index.png");
  check_clean(index, "index");
  // The filter script ran (so a payload would have run too): it unhid the
  // filters and counted the rows.
  CHECK(index.dom.find("id=\"filters\" hidden") == std::string::npos);
  CHECK(index.dom.find("3 shown") != std::string::npos);
  CHECK(index.dom.find("&lt;script&gt;document.title='PWNED'&lt;/script&gt;") != std::string::npos);

  bool first = true;
  for (const auto& e : fs::directory_iterator(tmp / "out/series")) {
    auto page = load(e.path(), tmp.path(), first ? tmp / "series.png" : fs::path{});
    first = false;
    check_clean(page, e.path().string());
    CHECK(page.dom.find("<h2>Versions</h2>") != std::string::npos);
  }
  auto team = load(tmp / "out/team.html", tmp.path(), tmp / "team.png");
  check_clean(team, "team");
  CHECK(bars_of_chart(team.dom, 0) == 3);

  auto pteam = load(tmp / "people/team.html", tmp.path());
  check_clean(pteam, "team from views");
  CHECK(bars_of_chart(pteam.dom, 0) == 2);
  CHECK(bars_of_chart(pteam.dom, 1) == 3);
  CHECK(bars_of_chart(pteam.dom, 2) == 3);
  CHECK(bars_of_chart(pteam.dom, 3) == 2);
  auto bob = load(tmp / "people" / reports::site::person_path("bob@example.org"), tmp.path(), tmp / "person.png");
  check_clean(bob, "person");
  CHECK(bars_of_chart(bob.dom, 0) == 4);
  CHECK(bars_of_chart(bob.dom, 1) == 4);
  CHECK(bars_of_chart(bob.dom, 2) == 3);
  auto mal = load(tmp / "people" / reports::site::person_path("mal<x>\"@example.org"), tmp.path());
  check_clean(mal, "hostile person");
  CHECK(mal.dom.find("<title>seam: Mallory &lt;script&gt;") != std::string::npos);
}

TEST_CASE("site: the kbuild epoch in headless Chromium") {
  const auto epoch = test::shared("corpus/lore/linux-kbuild/git/0.git");
  SEAM_SKIP_UNLESS(!epoch.empty(), "no shared corpus");
  REQUIRE_MESSAGE(!chromium().empty(), "chromium is not installed (scripts/install-deps.sh installs it)");
  test::TempDir tmp;
  const std::string seam = std::string("'") + SEAM_BINARY + "' --db '" + (tmp / "k.db").string() + "' ";
  shell(seam + "ingest '" + epoch.string() + "' >/dev/null 2>&1");
  int status = 0;
  shell(seam + "site -o '" + (tmp / "out").string() + "' 2>/dev/null", &status);
  const std::string index_html = read_bytes(tmp / "out/index.html");
  REQUIRE(!index_html.empty());
  CHECK(count(index_html, "<tr") > 2000);
  auto index = load(tmp / "out/index.html", tmp.path());
  check_clean(index, "kbuild index");
  CHECK(index.dom.find("id=\"filters\" hidden") == std::string::npos);
  // One series page: the first row's.
  const std::string id = between(index_html, "href=\"series/", ".html\"");
  REQUIRE(!id.empty());
  auto page = load(tmp / "out/series" / (id + ".html"), tmp.path());
  check_clean(page, "kbuild series page");
  CHECK(page.dom.find("Review checklist") != std::string::npos);
  auto team = load(tmp / "out/team.html", tmp.path());
  check_clean(team, "kbuild team");
  CHECK(bars_of_chart(team.dom, 0) > 1);
  // A reviewer's page, the first the team page links to.
  const std::string team_html = read_bytes(tmp / "out/team.html");
  const std::string person = between(team_html, "href=\"people/", "\"");
  REQUIRE(!person.empty());
  REQUIRE(fs::exists(tmp / "out/people" / person));
  auto person_page = load(tmp / "out/people" / person, tmp.path());
  check_clean(person_page, "kbuild reviewer page");
  CHECK(person_page.dom.find("<svg") != std::string::npos);
}
