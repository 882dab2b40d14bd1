// b4's own trailer-collection vectors: for every
// trailers-followup-NAME-ref-defaults.txt, the trailers seam puts on each
// patch equal b4's, in b4's order.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>

#include "core/store/store.hpp"
#include "mail/am.hpp"
#include "mail/sources/files.hpp"
#include "mail/ingest.hpp"
#include "mail/sources/locate.hpp"
#include "mail/sources/mbox.hpp"
#include "mail/parse/trailers.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using namespace seam;

namespace {

// The lines of the last paragraph of a commit message that look like
// "Name: value" (how b4's reference output ends each commit message).
std::vector<std::string> trailer_block(std::string_view commit_msg) {
  std::vector<std::string> lines;
  size_t i = 0;
  while (i < commit_msg.size()) {
    size_t nl = commit_msg.find('\n', i);
    size_t end = nl == std::string_view::npos ? commit_msg.size() : nl;
    lines.emplace_back(commit_msg.substr(i, end - i));
    i = end + 1;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  size_t start = lines.size();
  while (start > 0 && !lines[start - 1].empty()) --start;
  return {lines.begin() + static_cast<long>(start), lines.end()};
}

}  // namespace

TEST_SUITE("series/b4") {
  TEST_CASE("trailers equal b4's reference output (all -ref-defaults vectors)") {
    auto dir = test::shared("peer/b4-samples");
    SEAM_SKIP_UNLESS(!dir.empty(), "../shared/peer/b4-samples is absent");
    // The options b4's test made each reference with (test_followup_trailers.py):
    // only with-cover and partial-reroll add the maintainer's Signed-off-by.
    const std::set<std::string> addmysob = {"with-cover", "partial-reroll"};
    int vectors = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      const std::string suffix = "-ref-defaults.txt";
      if (name.rfind("trailers-followup-", 0) != 0 || name.size() <= suffix.size() ||
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
        continue;
      const std::string source = name.substr(18, name.size() - 18 - suffix.size());
      CAPTURE(source);
      ++vectors;
      test::TempDir tmp;
      core::Store store((tmp / "s.db").string());
      mail::IngestOptions opts;
      auto reps = mail::ingest(store, (dir / ("trailers-followup-" + source + ".mbox")).string(), opts);
      REQUIRE(reps.size() == 1);
      REQUIRE(reps[0].fatal.empty());
      CHECK(reps[0].errors.empty());
      store.rebuild_series();
      auto series = store.load_series({});
      REQUIRE(series.size() == 1);
      const auto& v = series[0].versions.back();

      std::string ref = mail::read_file(e.path().string());
      auto entries = mail::split_mbox(ref);
      REQUIRE(entries.size() == v.patches.size());
      mail::AmOptions am;
      if (addmysob.count(source)) am.add_sob = "Test Override <test-override@example.com>";
      for (size_t k = 0; k < entries.size(); ++k) {
        std::string ref_msg = mail::extract_message(ref, entries[k], mail::MboxFormat::mboxrd);
        auto body_at = ref_msg.find("\n\n");
        REQUIRE(body_at != std::string::npos);
        auto expected = trailer_block(mail::commit_message(ref_msg.substr(body_at + 2)));
        auto raw = mail::read_raw(store, v.patches[k].msgid);
        REQUIRE(raw.raw);
        auto got = trailer_block(mail::am_commit_message(*raw.raw, v.patches[k], am));
        CHECK(got == expected);
      }
    }
    CHECK(vectors == 11);
  }
}
