// For every real thread of the shared corpus, the Acked-by, Reviewed-by and
// Tested-by seam puts on each patch equal what `b4 am -t` (Debian's b4, run
// offline on the thread's mbox) puts there. b4 0.12 under Python 3.11 stops
// on folded headers it copies ("Header values may not contain linefeed"), so
// it reads a copy of the thread with headers unfolded (RFC 5322 unfolding:
// the same mail). Threads b4 still cannot process (a pull request) are named
// and skipped; the test skips itself where b4 or the corpus is absent.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string_view>

#include "core/series.hpp"
#include "core/store/store.hpp"
#include "mail/sources/files.hpp"
#include "mail/ingest.hpp"
#include "mail/sources/mbox.hpp"
#include "mail/parse/trailers.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using namespace seam;

namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool review_name(const std::string& n) { return n == "Acked-by" || n == "Reviewed-by" || n == "Tested-by"; }

// "Reviewed-by|addr" (or the value when there is no address).
std::string key(const std::string& name, const std::string& value) {
  seam::mail::Trailer t;
  std::string line = name + ": " + value;
  if (!seam::mail::parse_trailer_line(line, t)) return name + "|" + lower(value);
  return t.name + "|" + (t.email.empty() ? lower(t.value) : t.email);
}

// The review trailers in the commit message of each patch of b4's mbox.
std::vector<std::multiset<std::string>> b4_trailers(const fs::path& mbx) {
  std::vector<std::multiset<std::string>> out;
  std::string text = mail::read_file(mbx.string());
  for (const auto& e : mail::split_mbox(text)) {
    std::string msg = mail::extract_message(text, e, mail::MboxFormat::mboxrd);
    auto body_at = msg.find("\n\n");
    REQUIRE(body_at != std::string::npos);
    std::multiset<std::string> keys;
    for (const auto& t : mail::commit_trailers(msg.substr(body_at + 2)))
      if (review_name(t.name)) keys.insert(key(t.name, t.value));
    out.push_back(std::move(keys));
  }
  return out;
}

// The mbox with every header unfolded: a line starting with a space or tab
// inside a header block joins the line before it.
std::string unfold_headers(const std::string& mbox) {
  std::string out;
  bool header = false;
  size_t i = 0;
  while (i < mbox.size()) {
    size_t nl = mbox.find('\n', i);
    size_t end = nl == std::string::npos ? mbox.size() : nl;
    std::string_view line(mbox.data() + i, end - i);
    const bool after_blank = out.empty() || (out.size() >= 2 && out.compare(out.size() - 2, 2, "\n\n") == 0);
    const bool starts_message = line.rfind("From ", 0) == 0 && after_blank;
    if (starts_message) {
      header = true;
    } else if (header && line.empty()) {
      header = false;
    } else if (header && (line[0] == ' ' || line[0] == '\t') && !out.empty() && out.back() == '\n') {
      out.pop_back();  // join: drop the line break, keep the whitespace
    }
    out += line;
    if (nl != std::string::npos) out += '\n';
    i = end + 1;
  }
  return out;
}

std::string first_msgid(const fs::path& mbox) {
  std::ifstream in(mbox);
  std::string line;
  while (std::getline(in, line))
    if (line.size() > 12 && (line.rfind("Message-ID:", 0) == 0 || line.rfind("Message-Id:", 0) == 0)) {
      auto lt = line.find('<'), gt = line.rfind('>');
      return line.substr(lt + 1, gt - lt - 1);
    }
  return {};
}

}  // namespace

TEST_SUITE("series/b4") {
  TEST_CASE("per patch, the Acked/Reviewed/Tested trailers of b4 am -t on every corpus thread") {
    auto dir = test::shared("corpus/threads");
    SEAM_SKIP_UNLESS(!dir.empty(), "../shared/corpus/threads is absent");
    int have_b4 = 0;
    test::shell("command -v b4 >/dev/null 2>&1", &have_b4);
    SEAM_SKIP_UNLESS(have_b4 == 0, "b4 is not installed (scripts/install-deps.sh installs it)");

    test::TempDir tmp;
    fs::create_directories(tmp / "home");
    {
      std::ofstream cfg(tmp / "home" / ".gitconfig");
      cfg << "[user]\n\tname = Seam Test\n\temail = seam-test@example.org\n"
             "[b4]\n\tattestation-policy = off\n\tattestation-check-dkim = no\n";
    }
    // b4 on every thread at once (each waits on the network it cannot reach).
    std::vector<fs::path> threads;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".mbox") threads.push_back(e.path());
    std::sort(threads.begin(), threads.end());
    REQUIRE_FALSE(threads.empty());
    std::string cmd;
    for (size_t k = 0; k < threads.size(); ++k) {
      const fs::path out = tmp / ("b4-" + std::to_string(k));
      fs::create_directories(out);
      const std::string msgid = first_msgid(threads[k]);
      REQUIRE(msgid.find('\'') == std::string::npos);
      const fs::path copy = tmp / ("thread-" + std::to_string(k) + ".mbox");
      {
        std::ofstream o(copy, std::ios::binary);
        o << unfold_headers(mail::read_file(threads[k].string()));
      }
      cmd += "(HOME='" + (tmp / "home").string() + "' b4 am -t -m '" + copy.string() + "' -o '" +
             out.string() + "' '" + msgid + "' >'" + out.string() + ".log' 2>&1) & ";
    }
    cmd += "wait";
    test::shell(cmd);

    int compared = 0;
    std::vector<std::string> skipped;
    for (size_t k = 0; k < threads.size(); ++k) {
      const std::string file = threads[k].filename().string();
      CAPTURE(file);
      fs::path mbx;
      for (const auto& e : fs::directory_iterator(tmp / ("b4-" + std::to_string(k))))
        if (e.path().extension() == ".mbx") mbx = e.path();
      if (mbx.empty()) {
        skipped.push_back(file);
        continue;
      }
      auto want = b4_trailers(mbx);

      test::TempDir db;
      core::Store store((db / "s.db").string());
      auto reps = mail::ingest(store, threads[k].string(), {});
      REQUIRE(reps[0].fatal.empty());
      store.rebuild_series();
      const std::string msgid = first_msgid(threads[k]);
      auto id = store.series_of(msgid);
      REQUIRE(id);
      core::Store::SeriesFilter f;
      f.id = *id;
      auto all = store.load_series(f);
      REQUIRE(all.size() == 1);
      const auto& v = all[0].versions.back();  // b4 takes the newest version too
      REQUIRE(v.patches.size() == want.size());
      for (size_t i = 0; i < want.size(); ++i) {
        CAPTURE(v.patches[i].subject);
        std::multiset<std::string> got;
        for (const auto& t : v.patches[i].trailers)
          if (review_name(t.name)) got.insert(key(t.name, t.value));
        CHECK(got == want[i]);
      }
      ++compared;
    }
    std::string names;
    for (const auto& s : skipped) names += " " + s;
    MESSAGE("compared with b4 on " << compared << " threads; b4 could not process:" << names);
    CHECK(compared >= 1);
  }
}
