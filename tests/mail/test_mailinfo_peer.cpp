// Peer conformance: git's own mailinfo test vectors (t/t5100 of git.git,
// in ../shared/peer/git-mailinfo), run the way t5100-mailinfo.sh runs them.
// Every file in that directory is accounted for by the last test case, so a
// vector added there cannot be silently ignored here.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>

#include "mail/parse/mailinfo.hpp"
#include "mail/sources/mbox.hpp"
#include "tests/support.hpp"

namespace fs = std::filesystem;
using namespace seam::mail;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  REQUIRE_MESSAGE(f, "cannot read " << p);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

bool git_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool digit(char c) { return c >= '0' && c <= '9'; }

// git mailsplit's is_from_line(): a "From " line separates messages only
// when it ends like a date, "... hh:mm:ss yyyy" with a year after 1990.
bool is_git_from_line(std::string_view line) {
  if (line.size() < 20 || !line.starts_with("From ")) return false;
  // The last ':' from the third byte before the end back to the fifth.
  size_t colon = line.size() - 3;
  while (line[colon] != ':')
    if (colon-- == 4) return false;
  if (!digit(line[colon - 4]) || !digit(line[colon - 2]) || !digit(line[colon - 1]) || !digit(line[colon + 1]) ||
      !digit(line[colon + 2]))
    return false;
  return std::strtol(std::string(line.substr(colon + 3)).c_str(), nullptr, 10) > 90;
}

// The messages `git mailsplit [--mboxrd]` writes for an mbox, which is what
// t5100 feeds to git mailinfo. Built on seam's split_mbox(), with git's
// differences applied on top (see the report for mail/mbox):
//  - split_mbox() cuts at every "From " line; mailsplit only at the ones
//    is_git_from_line() accepts, so candidates that fail it are joined back;
//  - mailsplit keeps the separator line (mailinfo skips it) and the blank
//    line before the next one, which extract_message() drops;
//  - mailsplit unquotes ">From " only with --mboxrd (one '>' off any run),
//    never the mboxo way, and turns CRLF line ends into LF.
std::vector<std::string> git_mailsplit(std::string_view mbox, bool mboxrd) {
  while (!mbox.empty() && git_space(mbox.front())) mbox.remove_prefix(1);
  std::vector<std::string> raw;
  for (const MboxEntry& e : split_mbox(mbox)) {
    std::string_view chunk = mbox.substr(e.offset, e.length);
    std::string_view first = chunk.substr(0, chunk.find('\n') + 1);
    if (!raw.empty() && !is_git_from_line(first)) raw.back().append(chunk);
    else raw.emplace_back(chunk);
  }
  std::vector<std::string> out;
  for (const std::string& m : raw) {
    std::string msg;
    size_t i = 0;
    while (i < m.size()) {
      size_t nl = m.find('\n', i);
      size_t end = nl == std::string::npos ? m.size() : nl + 1;
      std::string line = m.substr(i, end - i);
      i = end;
      if (line.size() > 1 && line.ends_with("\r\n")) line.erase(line.size() - 2, 1);
      const size_t gt = line.find_first_not_of('>');
      if (mboxrd && gt != 0 && gt != std::string::npos && line.compare(gt, 5, "From ") == 0) line.erase(0, 1);
      msg += line;
    }
    out.push_back(std::move(msg));
  }
  return out;
}

fs::path vectors() { return seam::test::shared("peer/git-mailinfo"); }

// t5100 runs every sample with -u (the default anyway) and, where an
// expected file with that suffix exists, once more with the option.
const std::map<std::string, void (*)(MailinfoOptions&)>& option_suffixes() {
  static const std::map<std::string, void (*)(MailinfoOptions&)> m = {
      {"--scissors", [](MailinfoOptions& o) { o.scissors = true; }},
      {"--no-inbody-headers", [](MailinfoOptions& o) { o.inbody_headers = false; }},
      {"--message-id", [](MailinfoOptions& o) { o.add_message_id = true; }},
  };
  return m;
}

// t5100's quoted-cr fixtures write CR as "%%"; 0001 has no CR at line ends.
std::string with_cr(const std::string& s, bool at_line_end) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s.compare(i, 2, "%%") != 0) {
      out += s[i];
      continue;
    }
    const bool eol = i + 2 == s.size() || s[i + 2] == '\n';
    if (!eol || at_line_end) out += '\r';
    ++i;
  }
  return out;
}

// "0007": how mailsplit and t5100 number messages.
std::string num4(size_t n) {
  std::string s = std::to_string(n);
  return std::string(s.size() < 4 ? 4 - s.size() : 0, '0') + s;
}

size_t count_lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST_SUITE("mail/mailinfo peer: git t5100") {
  TEST_CASE("mailinfo peer: mailsplit of sample.mbox gives 18 messages") {
    SEAM_SKIP_UNLESS(!vectors().empty(), "../shared/peer/git-mailinfo is absent");
    CHECK(git_mailsplit(slurp(vectors() / "sample.mbox"), false).size() == 18);
    CHECK(git_mailsplit(slurp(vectors() / "rfc2047-samples.mbox"), false).size() == 11);
    CHECK(git_mailsplit(slurp(vectors() / "quoted-cr.mbox"), false).size() == 2);
    // seam's own splitter cuts at every "From " line; sample.mboxrd has one
    // in a body that git mailsplit does not take for a separator.
    CHECK(git_mailsplit(slurp(vectors() / "sample.mboxrd"), true).size() == 2);
  }

  TEST_CASE("mailinfo peer: mailinfo on every sample message, with every option that has vectors") {
    SEAM_SKIP_UNLESS(!vectors().empty(), "../shared/peer/git-mailinfo is absent");
    const auto mails = git_mailsplit(slurp(vectors() / "sample.mbox"), false);
    REQUIRE(mails.size() == 18);
    int compared = 0;
    for (size_t i = 0; i < mails.size(); ++i) {
      const std::string num = num4(i + 1);
      std::vector<std::string> suffixes = {""};
      for (const auto& [suffix, set] : option_suffixes())
        if (fs::exists(vectors() / ("msg" + num + suffix))) suffixes.push_back(suffix);
      for (const auto& suffix : suffixes) {
        MailinfoOptions o;
        if (!suffix.empty()) option_suffixes().at(suffix)(o);
        const std::string name = num + suffix;
        CAPTURE(name);
        auto r = mailinfo(mails[i], o);
        CHECK(r.ok);
        CHECK(r.diagnostics.empty());
        CHECK(r.msg == slurp(vectors() / ("msg" + name)));
        CHECK(r.patch == slurp(vectors() / ("patch" + name)));
        CHECK(r.info == slurp(vectors() / ("info" + name)));
        ++compared;
      }
    }
    // 18 plain runs, and 0012 --message-id, 0014 --scissors,
    // 0015/0016/0018 --no-inbody-headers.
    CHECK(compared == 23);
    MESSAGE(compared << " sample runs compared (msg, patch and info each)");
  }

  TEST_CASE("mailinfo peer: RFC 2047 samples: only the info block, exactly") {
    SEAM_SKIP_UNLESS(!vectors().empty(), "../shared/peer/git-mailinfo is absent");
    const auto mails = git_mailsplit(slurp(vectors() / "rfc2047-samples.mbox"), false);
    REQUIRE(mails.size() == 11);
    const std::string empty = slurp(vectors() / "empty");
    for (size_t i = 0; i < mails.size(); ++i) {
      const std::string name = "rfc2047-info-" + num4(i + 1);
      CAPTURE(name);
      auto r = mailinfo(mails[i]);
      CHECK(r.ok);
      CHECK(r.msg == empty);
      CHECK(r.patch == empty);
      CHECK(r.info == slurp(vectors() / name));
    }
  }

  TEST_CASE("mailinfo peer: NULs survive, plain and out of base64") {
    SEAM_SKIP_UNLESS(!vectors().empty(), "../shared/peer/git-mailinfo is absent");
    const std::string plain = slurp(vectors() / "nul-plain");
    auto split = git_mailsplit(plain, false);
    REQUIRE(split.size() == 1);
    CHECK(split[0] == plain);
    auto r = mailinfo(split[0]);
    CHECK(count_lines(r.patch) == 4);
    CHECK(r.patch.find('\0') != std::string::npos);

    const std::string b64 = slurp(vectors() / "nul-b64.in");
    split = git_mailsplit(b64, false);
    REQUIRE(split.size() == 1);
    CHECK(split[0] == b64);
    CHECK(mailinfo(split[0]).patch == slurp(vectors() / "nul-b64.expect"));
  }

  TEST_CASE("mailinfo peer: From: headers: bare address, embedded From line, quoted >From, quoted-string, comment") {
    SEAM_SKIP_UNLESS(!vectors().empty(), "../shared/peer/git-mailinfo is absent");
    for (const char* name : {"info-from", "embed-from", "quoted-from"}) {
      CAPTURE(name);
      const std::string in = slurp(vectors() / (std::string(name) + ".in"));
      auto split = git_mailsplit(in, false);
      REQUIRE(split.size() == 1);
      CHECK(split[0] == in);
      auto r = mailinfo(split[0]);
      const std::string expect = slurp(vectors() / (std::string(name) + ".expect"));
      // t5100 compares the commit message for quoted-from, the info block otherwise.
      CHECK((std::string(name) == "quoted-from" ? r.msg : r.info) == expect);
    }
    for (const char* name : {"quoted-string", "comment"}) {
      CAPTURE(name);
      CHECK(mailinfo(slurp(vectors() / (std::string(name) + ".in"))).info ==
            slurp(vectors() / (std::string(name) + ".expect")));
    }
  }

  TEST_CASE("mailinfo peer: mboxrd: unescaped by mailsplit --mboxrd, kept by mailinfo") {
    SEAM_SKIP_UNLESS(!vectors().empty(), "../shared/peer/git-mailinfo is absent");
    const auto mails = git_mailsplit(slurp(vectors() / "sample.mboxrd"), true);
    REQUIRE(mails.size() == 2);
    CHECK(mailinfo(mails[0]).msg == slurp(vectors() / "0001mboxrd"));
    CHECK(mailinfo(mails[1]).msg == slurp(vectors() / "0002mboxrd"));
  }

  TEST_CASE("mailinfo peer: quoted CRLF in base64: warn (default), nowarn, strip") {
    SEAM_SKIP_UNLESS(!vectors().empty(), "../shared/peer/git-mailinfo is absent");
    const auto mails = git_mailsplit(slurp(vectors() / "quoted-cr.mbox"), false);
    REQUIRE(mails.size() == 2);
    const std::string msg = slurp(vectors() / "quoted-cr-msg"), patch = slurp(vectors() / "quoted-cr-patch");
    const std::string info = slurp(vectors() / "quoted-cr-info");
    for (auto action : {QuotedCr::warn, QuotedCr::nowarn, QuotedCr::strip}) {
      for (int i = 0; i < 2; ++i) {
        CAPTURE(static_cast<int>(action));
        CAPTURE(i);
        MailinfoOptions o;
        o.quoted_cr = action;
        auto r = mailinfo(mails[static_cast<size_t>(i)], o);
        // 0001 has CRs inside lines only; 0002 ends its lines in CRLF, which
        // strip turns back into 0001's form.
        const bool crlf = i == 1 && action != QuotedCr::strip;
        CHECK(r.msg == with_cr(msg, crlf));
        CHECK(r.patch == with_cr(patch, crlf));
        CHECK(r.info == info);
        const bool warned = i == 1 && action == QuotedCr::warn;
        CHECK(r.diagnostics == (warned ? std::vector<std::string>{"warning: quoted CRLF detected"}
                                       : std::vector<std::string>{}));
      }
    }
  }

  TEST_CASE("mailinfo peer: every file of the vector directory is used by these tests") {
    SEAM_SKIP_UNLESS(!vectors().empty(), "../shared/peer/git-mailinfo is absent");
    // Names the cases above read; a new vector in git's suite shows up here.
    const std::set<std::string> known = {
        ".gitattributes", "SOURCE_COMMIT", "t5100-mailinfo.sh.txt", "sample.mbox", "sample.mboxrd",
        "0001mboxrd", "0002mboxrd", "rfc2047-samples.mbox", "empty", "nul-plain", "nul-b64.in",
        "nul-b64.expect", "info-from.in", "info-from.expect", "embed-from.in", "embed-from.expect",
        "quoted-from.in", "quoted-from.expect", "quoted-string.in", "quoted-string.expect", "comment.in",
        "comment.expect", "quoted-cr.mbox", "quoted-cr-msg", "quoted-cr-patch", "quoted-cr-info"};
    const std::regex sample(R"((msg|patch|info)(\d{4})(--[a-z-]+)?)");
    const std::regex rfc2047(R"(rfc2047-info-(\d{4}))");
    int files = 0;
    for (const auto& e : fs::directory_iterator(vectors())) {
      const std::string f = e.path().filename().string();
      CAPTURE(f);
      std::smatch m;
      if (std::regex_match(f, m, sample)) {
        CHECK(std::stoi(m[2]) >= 1);
        CHECK(std::stoi(m[2]) <= 18);
        CHECK((!m[3].matched || option_suffixes().count(m[3]) == 1));
      } else if (std::regex_match(f, m, rfc2047)) {
        CHECK(std::stoi(m[1]) >= 1);
        CHECK(std::stoi(m[1]) <= 11);
      } else {
        CHECK(known.count(f) == 1);
      }
      ++files;
    }
    MESSAGE(files << " files in peer/git-mailinfo, all accounted for");
  }
}
