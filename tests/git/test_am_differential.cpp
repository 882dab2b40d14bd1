// seam against git am on the same mail. tests/data/apply/am-differential.sh
// builds a small repository, turns commits into mail with git format-patch
// (hand-edited into what mail clients and gateways send), and writes, per
// variant, the commits (tree, author and date, message) that plain `git am`
// makes of the mail (ref.log), that `git am` makes of `seam am`'s mbox
// (am.log) and that `seam apply` makes (apply.log). git am is the
// reference: each case checks that git am applied the mail and that seam's
// commits are git am's.
#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support.hpp"

using namespace seam;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs the variants (names of the script's v_* functions, space-separated)
// in tmp/out and returns that folder.
fs::path run_variants(const test::TempDir& tmp, const std::string& variants) {
  const fs::path out = tmp / "out";
  int status = 0;
  const std::string report = test::shell("bash '" + test::data("apply/am-differential.sh").string() + "' '" +
                                             SEAM_BINARY + "' '" + out.string() + "' " + variants + " 2>&1",
                                         &status);
  MESSAGE(report);
  return out;
}

// Checks, for every variant, that git am applied the original mail, and
// that git am of seam am's mbox and seam apply made git am's commits.
void check_same_as_git_am(const fs::path& out, const std::string& variants) {
  std::istringstream names(variants);
  std::string v;
  while (names >> v) {
    const std::string ref = slurp(out / v / "ref.log");
    CHECK_MESSAGE(slurp(out / v / "ref.err").find("git am failed") == std::string::npos, v);
    CHECK_MESSAGE(ref.find("tree ") == 0, v);
    CHECK_MESSAGE(slurp(out / v / "apply.log") == ref, v << ": seam apply\n" << slurp(out / v / "apply.err"));
    CHECK_MESSAGE(slurp(out / v / "am.log") == ref, v << ": git am of seam am\n" << slurp(out / v / "am.err"));
  }
}

}  // namespace

TEST_SUITE("git/am-differential") {
  TEST_CASE("file names with a space: added, changed, renamed, copied, mode changed, deleted, empty") {
    test::TempDir tmp;
    const std::string v =
        "space_name rename_space rename_space_change mode_space delete_space empty_space_name";
    const fs::path out = run_variants(tmp, v);
    check_same_as_git_am(out, v);
    // The files are under their names, without the TAB git writes after a
    // name with a space on the "+++" line.
    CHECK(test::shell("git -C '" + (out / "space_name/apply").string() +
                      "' ls-tree --name-only diff 'new file.txt' 'with space.txt'") ==
          "new file.txt\nwith space.txt\n");
  }

  TEST_CASE("submodules (gitlinks) added, moved and removed get the commit id the patch names") {
    test::TempDir tmp;
    const std::string v = "submodule submodule_remove gitlink_only";
    const fs::path out = run_variants(tmp, v);
    check_same_as_git_am(out, v);
    const std::string sub = test::shell("git -C '" + (out / "sub").string() + "' rev-parse HEAD");
    CHECK(test::shell("git -C '" + (out / "submodule/apply").string() + "' ls-tree diff sub") ==
          "160000 commit " + sub.substr(0, 40) + "\tsub\n");
  }

  TEST_CASE("a diff without git's headers (none, 'diff -u', 'Index: ') applies as git apply reads it") {
    test::TempDir tmp;
    const std::string v = "no_diff_git diff_u_header index_header";
    check_same_as_git_am(run_variants(tmp, v), v);
  }

  TEST_CASE("seam apply writes the commit object git am writes (no 'encoding' header), committer aside") {
    test::TempDir tmp;
    const std::string v = "utf8_subject inbody_from_utf8";
    const fs::path out = run_variants(tmp, v);
    check_same_as_git_am(out, v);
    // The commit as `git cat-file` prints it, without its committer line.
    auto object = [](const fs::path& repo, const std::string& rev) {
      std::string c = test::shell("git -C '" + repo.string() + "' cat-file commit " + rev);
      const size_t at = c.find("\ncommitter ");
      if (at != std::string::npos) c.erase(at, c.find('\n', at + 1) - at);
      return c;
    };
    for (const char* name : {"utf8_subject", "inbody_from_utf8"}) {
      const std::string ref = object(out / name / "ref", "HEAD");
      CHECK_MESSAGE(ref.find("\n\n") != std::string::npos, name);
      CHECK_MESSAGE(object(out / name / "apply", "diff") == ref, name);
    }
  }

  TEST_CASE("an author or message that is not UTF-8 is committed as git commits it (Latin-1 bytes as UTF-8)") {
    test::TempDir tmp;
    const std::string v = "inbody_from_latin1 latin1_undeclared";
    const fs::path out = run_variants(tmp, v);
    check_same_as_git_am(out, v);
    CHECK(slurp(out / "inbody_from_latin1/apply.log").find("author J\xc3\xb6rg Other <jorg@example.org>") !=
          std::string::npos);
  }

  TEST_CASE("a patch made on a tree where the lines moved applies where git apply finds its hunks") {
    // The hunks' line numbers are off (a commit before them was not sent,
    // or the header was edited): git am looks for each hunk's context
    // nearest to the line it names; libgit2 alone tries only that line.
    test::TempDir tmp;
    const std::string v = "hunk_offset hunk_offset_back base_moved base_moved_up base_moved_crlf";
    const fs::path out = run_variants(tmp, v);
    check_same_as_git_am(out, v);
    CHECK(test::shell("git -C '" + (out / "base_moved/apply").string() + "' show diff:a.c | sed -n '5p;25p'") ==
          "line FIVE\nline TWENTY-FIVE\n");
  }

  TEST_CASE("the author date: an ISO 8601 Date git reads, and none at all (git am takes the time of the run)") {
    test::TempDir tmp;
    const std::string v = "date_inbody_bad date_inbody_iso_space date_iso_z";
    const fs::path out = run_variants(tmp, v);
    check_same_as_git_am(out, v);
    CHECK(slurp(out / "date_inbody_bad/apply.log").find("\nauthor Ada Author <ada@example.org> 1704161045 +0100\n") !=
          std::string::npos);
    // Without a Date: the time of the commit, not 1970.
    const auto before = static_cast<long long>(std::time(nullptr));
    const fs::path none = run_variants(tmp, "date_missing");
    const std::string log = slurp(none / "date_missing/apply.log");
    const size_t at = log.find("> ");
    REQUIRE(at != std::string::npos);
    const long long when = std::atoll(log.c_str() + at + 2);
    CHECK(when >= before);
    CHECK(when <= static_cast<long long>(std::time(nullptr)));
    CHECK(log.find(" +0000\n") != std::string::npos);  // the script runs with TZ=UTC
  }

  TEST_CASE("patch breaks, in-body headers, CRLF file content and empty files in mail as clients send it") {
    // Kinds of mail seam once got wrong, in the transports that change
    // them (CRLF line ends, quoted-printable, base64); r_* variants carry a
    // review whose Reviewed-by seam adds (git interpret-trailers adds it to
    // git am's commit for the reference).
    test::TempDir tmp;
    const std::string v =
        "r_sep_tab r_crlf_sep_space r_qp_sep_space r_changelog_after_sep r_inbody_from_noblank r_inbody_from_qp "
        "inbody_from_2047 qp_crlf_file_crlf_mail b64_crlf_mixed qp_crlf_newfile crlf_empty qp_empty empty_exec";
    check_same_as_git_am(run_variants(tmp, v), v);
  }

  TEST_CASE("hunks placed as git apply places them, or refused where git refuses them (tests/data/apply/edge)") {
    // Each case: a base tree (NAME.setup) and one mailed diff (NAME.diff),
    // applied by git am and by seam apply. seam may refuse what git applies
    // (it then writes nothing), never write what git does not, and where
    // both commit the trees are equal.
    // ov2: a later hunk whose lines also stand where an earlier hunk wrote
    //   (git never matches there); ovl: found only there (git refuses);
    // mix1/mix2: a diff without git's headers after or before a git one;
    // trn: "--- a/f" "+++ b/f.new" (git edits f); epd/epn: diff -N's epoch
    //   timestamps delete and create; end, u0b: no trailing context, so the
    //   hunk must end at the file's end (git refuses); u0: a -U0 insertion
    //   git puts at the end; beg: a hunk at line 1 no longer at the top;
    // rb: a rename whose old name holds " b/"; off, nnl, idx: offsets, no
    //   newline at the end, "Index:" headers; crlf, sp, two: others;
    // epk/epj: epoch zones written "+01:00", and text after the zone (no
    //   epoch); pv: "--- f" "+++ f" first makes it -p0 for the whole patch;
    // tsp: spaces after a name are part of it; ctx: a hunk of context only
    //   (git: corrupt patch); epc: a new file (epoch) where one exists;
    // nnp: a last context line without its newline that git matches
    //   loosely on an earlier line and mangles: seam refuses.
    test::TempDir tmp;
    const std::string script = test::data("apply/edge/compare.sh").string();
    auto run = [&](const std::string& name) {
      std::string r = test::shell("bash '" + script + "' '" + SEAM_BINARY + "' '" + tmp.path().string() + "' " + name);
      while (!r.empty() && r.back() == '\n') r.pop_back();
      return r;
    };
    for (const char* n : {"ov2", "mix2", "trn", "u0", "epd", "epn", "rb", "off", "nnl", "idx", "epk", "epj", "pv"}) {
      const std::string name = n;
      CAPTURE(name);
      CHECK(run(name) == "git=0 seam=0 same=1");
    }
    for (const char* n : {"ovl", "end", "u0b", "beg", "crlf", "tsp", "ctx", "epc"}) {
      const std::string name = n;
      CAPTURE(name);
      CHECK(run(name) == "git=1 seam=1 same=-");
    }
    for (const char* n : {"mix1", "sp", "two", "nnp"}) {  // git applies these; seam refuses, writing nothing
      const std::string name = n;
      CAPTURE(name);
      const std::string r = run(name);
      CHECK((r == "git=0 seam=0 same=1" || r == "git=0 seam=1 same=-"));
    }
  }
}
