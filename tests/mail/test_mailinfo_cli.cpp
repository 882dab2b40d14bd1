// End to end: the built `seam mailinfo` against the library and, when the
// peer vectors are present, against git's expected files. Only paths made
// here (temporary files, the build's binary, the fixture directories) reach
// the shell; mail content goes through files.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "mail/parse/mailinfo.hpp"
#include "mail/sources/mbox.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using namespace seam::mail;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

void spit(const fs::path& p, const std::string& data) {
  std::ofstream f(p, std::ios::binary);
  f << data;
}

struct Run {
  int status = -1;
  std::string out, err, msg, patch;
};

// Runs `seam mailinfo <args>` with `mail` on standard input, in `dir`;
// "MSG" and "PATCH" in `args` stand for the two output files.
Run seam_mailinfo(const seam::test::TempDir& dir, std::string args, const std::string& mail) {
  const fs::path in = dir / "mail", out = dir / "out", err = dir / "err";
  const fs::path msg = dir / "msg", patch = dir / "patch";
  spit(in, mail);
  for (auto [word, path] : {std::pair{std::string("MSG"), msg}, std::pair{std::string("PATCH"), patch}})
    if (auto p = args.find(word); p != std::string::npos) args.replace(p, word.size(), "'" + path.string() + "'");
  const std::string cmd = "'" SEAM_BINARY "' mailinfo " + args + " < '" + in.string() + "' > '" + out.string() +
                          "' 2> '" + err.string() + "'";
  Run r;
  const int rc = std::system(cmd.c_str());
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  r.msg = slurp(msg);
  r.patch = slurp(patch);
  return r;
}

// The messages of an mbox as split_mbox() cuts them, separator line kept.
// For the mboxes used here (every "From " line a real separator, no
// quoting, LF line ends) that is exactly what git mailsplit writes.
std::vector<std::string> raw_messages(const std::string& mbox) {
  std::vector<std::string> out;
  for (const auto& e : split_mbox(mbox)) out.emplace_back(mbox.substr(e.offset, e.length));
  return out;
}

}  // namespace

TEST_SUITE("mail/mailinfo cli") {
  TEST_CASE("mailinfo cli: seam mailinfo prints and writes what the library returns (own fixture)") {
    seam::test::TempDir dir;
    const std::string mail = slurp(seam::test::data("mime/qp-latin1.eml"));
    REQUIRE_FALSE(mail.empty());
    auto lib = mailinfo(mail);
    auto r = seam_mailinfo(dir, "-u MSG PATCH", mail);
    CHECK(r.status == 0);
    CHECK(r.out == lib.info);
    CHECK(r.msg == lib.msg);
    CHECK(r.patch == lib.patch);
    CHECK(r.err.empty());
    CHECK(r.out.find("Author: René Dupont\n") != std::string::npos);
  }

  TEST_CASE("mailinfo cli: git's exit statuses: empty mail 1, bad command lines 129") {
    seam::test::TempDir dir;
    auto empty = seam_mailinfo(dir, "MSG PATCH", "\n\n");
    CHECK(empty.status == 1);
    CHECK(empty.err.find("empty patch") != std::string::npos);
    CHECK(empty.out.empty());
    CHECK(fs::exists(dir / "msg"));  // created before the mail is read, as git does
    CHECK(seam_mailinfo(dir, "MSG", "Subject: x\n").status == 129);
    CHECK(seam_mailinfo(dir, "--no-such-option MSG PATCH", "Subject: x\n").status == 129);
    CHECK(seam_mailinfo(dir, "--quoted-cr=sometimes MSG PATCH", "Subject: x\n").status == 129);
    // A broken header is git's status 1 with its output still printed.
    auto bad = seam_mailinfo(dir, "MSG PATCH", "Subject: =?utf-8?q?never\n\nbody\n");
    CHECK(bad.status == 1);
    CHECK(bad.out == "Subject: =?utf-8?q?never\n\n");
  }

  TEST_CASE("mailinfo cli: options after the file names, as git accepts them (t5100 0014 --scissors)") {
    const fs::path vectors = seam::test::shared("peer/git-mailinfo");
    SEAM_SKIP_UNLESS(!vectors.empty(), "../shared/peer/git-mailinfo is absent");
    const auto mails = raw_messages(slurp(vectors / "sample.mbox"));
    REQUIRE(mails.size() == 18);
    seam::test::TempDir dir;
    MailinfoOptions o;
    o.scissors = true;
    auto lib = mailinfo(mails[13], o);
    for (const char* args : {"-u MSG PATCH --scissors", "--scissors -u MSG PATCH", "--no-scissors MSG PATCH --scissors"}) {
      CAPTURE(args);
      auto r = seam_mailinfo(dir, args, mails[13]);
      CHECK(r.status == 0);
      CHECK(r.out == lib.info);
      CHECK(r.msg == lib.msg);
      CHECK(r.patch == lib.patch);
      CHECK(r.out == slurp(vectors / "info0014--scissors"));
      CHECK(r.msg == slurp(vectors / "msg0014--scissors"));
      CHECK(r.patch == slurp(vectors / "patch0014--scissors"));
    }
    // And the last of --scissors/--no-scissors wins.
    auto off = seam_mailinfo(dir, "--scissors MSG PATCH --no-scissors", mails[13]);
    CHECK(off.out == slurp(vectors / "info0014"));
    CHECK(off.msg == slurp(vectors / "msg0014"));
  }

  TEST_CASE("mailinfo cli: --message-id and --quoted-cr through the command line (t5100 vectors)") {
    const fs::path vectors = seam::test::shared("peer/git-mailinfo");
    SEAM_SKIP_UNLESS(!vectors.empty(), "../shared/peer/git-mailinfo is absent");
    seam::test::TempDir dir;
    const auto sample = raw_messages(slurp(vectors / "sample.mbox"));
    REQUIRE(sample.size() == 18);
    for (const char* args : {"-m MSG PATCH", "MSG PATCH --message-id"}) {
      CAPTURE(args);
      auto r = seam_mailinfo(dir, args, sample[11]);
      CHECK(r.status == 0);
      CHECK(r.msg == slurp(vectors / "msg0012--message-id"));
      CHECK(r.out == slurp(vectors / "info0012--message-id"));
    }

    const auto cr = raw_messages(slurp(vectors / "quoted-cr.mbox"));
    REQUIRE(cr.size() == 2);
    auto warn = seam_mailinfo(dir, "-u MSG PATCH", cr[1]);
    CHECK(warn.status == 0);
    CHECK(warn.err == "warning: quoted CRLF detected\n");
    CHECK(warn.out == slurp(vectors / "quoted-cr-info"));
    CHECK(warn.msg.find("\r\n") != std::string::npos);
    auto strip = seam_mailinfo(dir, "-u --quoted-cr=strip MSG PATCH", cr[1]);
    CHECK(strip.err.empty());
    CHECK(strip.msg == mailinfo(cr[0]).msg);
    CHECK(strip.patch == mailinfo(cr[0]).patch);
  }
}
