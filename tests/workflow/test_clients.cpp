// The mail client integrations with the real programs: neomutt and aerc run
// in a tmux server of the test's own, on a Maildir, with seam's plugin files
// as a user installs them; the test types the keys and reads the screen.
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support.hpp"
#include "tests/workflow/pi_server.hpp"

namespace fs = std::filesystem;

namespace {

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

bool have(const char* program) {
  int status = 0;
  seam::test::shell(std::string("command -v ") + program + " >/dev/null 2>&1", &status);
  return status == 0;
}

// A tmux server on a socket in `dir`, one window of a fixed size running one
// command. The server (and what runs in it) is killed when this goes away.
class Tmux {
 public:
  explicit Tmux(const fs::path& dir) : socket_(dir / "tmux.sock") {}
  ~Tmux() {
    int status = 0;
    seam::test::shell(tmux() + " kill-server >/dev/null 2>&1", &status);
  }
  Tmux(const Tmux&) = delete;
  Tmux& operator=(const Tmux&) = delete;

  // Starts `command` (a shell command line) in a 160x50 window.
  void start(const std::string& command) {
    seam::test::shell(tmux() + " -f /dev/null new-session -d -x 160 -y 50 " + quote(command));
  }
  // Types `text` as it is (no key names).
  void type(const std::string& text) { seam::test::shell(tmux() + " send-keys -l " + quote(text)); }
  // Presses one key by tmux's name for it (Enter, Escape…).
  void press(const std::string& key) { seam::test::shell(tmux() + " send-keys " + key); }
  // The visible screen, wrapped lines joined.
  std::string screen() {
    int status = 0;
    return seam::test::shell(tmux() + " capture-pane -p -J 2>&1", &status);
  }
  // Waits until the screen shows `text`; false after `seconds`.
  bool wait_for(const std::string& text, int seconds = 30) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < end) {
      if (screen().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  // Types `keys` until the screen shows `text`: a client still loading its
  // folder drops keys (aerc does). At most `tries` times, `seconds` apart.
  bool type_until(const std::string& keys, const std::string& text, int tries = 6, int seconds = 5) {
    for (int i = 0; i < tries; ++i) {
      type(keys);
      if (wait_for(text, seconds)) return true;
    }
    return false;
  }

 private:
  static std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  }
  std::string tmux() const { return "tmux -S " + q(socket_); }
  fs::path socket_;
};

// A home for one mail client: a Maildir holding `mails`, seam's store, and
// the environment the client runs in (seam first on PATH).
struct Home {
  seam::test::TempDir tmp;
  fs::path maildir = tmp / "mail" / "INBOX";

  explicit Home(const std::vector<std::string>& mails) {
    for (const char* sub : {"cur", "new", "tmp"}) fs::create_directories(maildir / sub);
    int n = 0;
    for (const auto& m : mails)
      fs::copy_file(seam::test::data("clients/" + m),
                    maildir / "cur" / ("1764579600." + std::to_string(++n) + ".seam-test:2,S"));
  }

  // Writes ~/.gitconfig: seam's lore (the test server) and seam.repo.
  void git_config(const std::string& lore, const fs::path& repo = {}) const {
    std::string c = "[seam]\n\tlore-url = " + lore + "\n";
    if (!repo.empty()) c += "\trepo = " + repo.string() + "\n";
    seam::test::write_file(tmp / ".gitconfig", c);
  }

  // seam run in this home (its store), standard output.
  std::string run_seam(const std::string& args) const {
    return seam::test::shell(env("'" SEAM_BINARY "' " + args));
  }

  // `command` with the environment of this home.
  std::string env(const std::string& command) const {
    const std::string bin = fs::path(SEAM_BINARY).parent_path().string();
    return "env HOME=" + q(tmp.path()) + " GIT_CONFIG_GLOBAL=" + q(tmp / ".gitconfig") + " XDG_CONFIG_HOME=" + q(tmp / ".config") + " XDG_DATA_HOME=" +
           q(tmp / ".local/share") + " SEAM_DB=" + q(tmp / "seam.db") + " PATH=" + q(bin) +
           ":\"$PATH\" PAGER=less LESS= LESSHISTFILE=- NO_COLOR=1 GIT_CONFIG_NOSYSTEM=1 " + command;
  }
};

// neomutt on the home's Maildir with plugins/mutt/seam.muttrc sourced.
void start_neomutt(Tmux& t, const Home& h) {
  const auto rc = h.tmp / "muttrc";
  seam::test::write_file(rc, "set mbox_type=Maildir\nset folder=" + h.maildir.string() +
                                 "\nset spoolfile=" + h.maildir.string() +
                                 "\nset sort=date\nset pipe_decode=yes\nset wait_key=yes\n"
                                 "source " SEAM_SOURCE_DIR "/plugins/mutt/seam.muttrc\n");
  t.start(h.env("neomutt -n -F " + q(rc)));
}

// aerc with one Maildir account on the home's mail folder and the binds of
// plugins/aerc/binds.conf after aerc's defaults.
void start_aerc(Tmux& t, const Home& h) {
  const auto conf = h.tmp / ".config" / "aerc";
  fs::create_directories(conf);
  seam::test::write_file(conf / "accounts.conf", "[test]\nsource = maildir://" + (h.tmp / "mail").string() +
                                                     "\ndefault = INBOX\nfrom = Test <test@example.org>\n"
                                                     "outgoing = /bin/true\n");
  fs::permissions(conf / "accounts.conf", fs::perms::owner_read | fs::perms::owner_write);
  seam::test::write_file(conf / "aerc.conf", "[general]\nunsafe-accounts-conf = true\n");
  seam::test::write_file(conf / "binds.conf", seam::test::read_bytes("/usr/share/aerc/binds.conf") + "\n" +
                                                  seam::test::read_bytes(SEAM_SOURCE_DIR "/plugins/aerc/binds.conf"));
  t.start(h.env("aerc"));
}

// The whole gauge series on a public-inbox server of the test's own.
seam::test::PiServer& gauge_server() {
  static seam::test::PiServer* s = [] {
    static seam::test::PiServer server("gauge");
    server.add_mbox(seam::test::data("clients/gauge-series.mbox"));
    server.start();
    return &server;
  }();
  return *s;
}

// The tree the gauge series applies to (its base), a git repository.
fs::path gauge_tree(const seam::test::TempDir& tmp) {
  const auto tree = tmp / "linux";
  fs::create_directories(tree / "rust/bindings");
  fs::create_directories(tree / "samples/rust");
  seam::test::write_file(tree / "rust/bindings/bindings_helper.h",
                         "#include <linux/errname.h>\n#include <linux/ethtool.h>\n#include <linux/fdtable.h>\n");
  seam::test::write_file(tree / "samples/rust/lib.rs", "// SPDX-License-Identifier: GPL-2.0\n\n//! Rust sample drivers.\n");
  seam::test::shell("cd " + q(tree) +
                    " && git init -q && git add -A && git -c user.name=Base -c user.email=base@example.org commit -qm "
                    "base");
  return tree;
}

}  // namespace

TEST_SUITE("workflow") {
  TEST_CASE("neomutt: ,c shows seam check of the patch under the cursor, in the index and in the pager") {
    SEAM_SKIP_UNLESS(have("tmux") && have("neomutt") && have("less"), "tmux, neomutt or less is not installed");
    Home h({"check-unsafe.eml"});
    Tmux t(h.tmp.path());
    start_neomutt(t, h);
    REQUIRE_MESSAGE(t.wait_for("rust: text: add as_str"), t.screen());

    t.type(",c");
    REQUIRE_MESSAGE(t.wait_for("ERROR: rust/kernel/text.rs:17: unsafe block added or changed (no SAFETY comment)"),
                    t.screen());
    t.type("q");  // leave less: a success goes straight back to the index
    REQUIRE_MESSAGE(t.wait_for("NeoMutt: "), t.screen());
    CHECK(t.screen().find("Press any key") == std::string::npos);

    t.press("Enter");  // the pager
    REQUIRE_MESSAGE(t.wait_for("Let callers read checked text"), t.screen());
    t.type(",c");
    REQUIRE_MESSAGE(t.wait_for("[unsafe-block]"), t.screen());
    t.type("q");
    REQUIRE_MESSAGE(t.wait_for("Let callers read checked text"), t.screen());
    // The macros put $pipe_decode and $wait_key back as they were.
    t.type(":set ?pipe_decode");
    t.press("Enter");
    CHECK_MESSAGE(t.wait_for("pipe_decode=\"yes\""), t.screen());
    t.type(":set ?wait_key");
    t.press("Enter");
    CHECK_MESSAGE(t.wait_for("wait_key=\"yes\""), t.screen());
  }

  TEST_CASE("neomutt: a failing seam stops on its error") {
    SEAM_SKIP_UNLESS(have("tmux") && have("neomutt") && have("less"), "tmux, neomutt or less is not installed");
    Home h({"check-unsafe.eml"});
    Tmux t(h.tmp.path());
    start_neomutt(t, h);
    REQUIRE_MESSAGE(t.wait_for("rust: text: add as_str"), t.screen());
    t.type(",a");  // no seam.repo configured
    REQUIRE_MESSAGE(t.wait_for("git config --global seam.repo PATH"), t.screen());
    CHECK_MESSAGE(t.wait_for("Press any key"), t.screen());
  }

  TEST_CASE("aerc: ,c shows seam check of the selected patch") {
    SEAM_SKIP_UNLESS(have("tmux") && have("aerc"), "tmux or aerc is not installed");
    Home h({"check-unsafe.eml"});
    Tmux t(h.tmp.path());
    start_aerc(t, h);
    REQUIRE_MESSAGE(t.wait_for("rust: text: add as_str"), t.screen());
    REQUIRE_MESSAGE(
        t.type_until(",c", "ERROR: rust/kernel/text.rs:17: unsafe block added or changed (no SAFETY comment)"),
        t.screen());
    CHECK_MESSAGE(t.wait_for("Process complete"), t.screen());
  }

  TEST_CASE("neomutt: ,r on one patch shows the checklist of the whole series, fetched from public-inbox") {
    SEAM_SKIP_UNLESS(have("tmux") && have("neomutt") && have("less") && seam::test::have_public_inbox(),
                     "tmux, neomutt, less or public-inbox is not installed");
    auto& pi = gauge_server();
    Home h({"gauge-2.eml"});  // patch 2 of 3: the cover letter, patches 1 and 3 are only on the server
    h.git_config(pi.base());
    Tmux t(h.tmp.path());
    start_neomutt(t, h);
    REQUIRE_MESSAGE(t.wait_for("rust: gauge: add a gauge abstraction"), t.screen());

    t.type(",r");
    // The checklist in less: the series' title (its cover letter's) and the
    // patches that were not in the Maildir.
    REQUIRE_MESSAGE(t.wait_for("rust: add a gauge abstraction"), t.screen());
    CHECK_MESSAGE(t.wait_for("3/3 patches"), t.screen());
    t.type("/rust: helpers: add gauge helpers");
    t.press("Enter");
    REQUIRE_MESSAGE(t.wait_for("rust: helpers: add gauge helpers"), t.screen());
    t.type("/samples: rust: read a gauge");
    t.press("Enter");
    REQUIRE_MESSAGE(t.wait_for("samples: rust: read a gauge"), t.screen());
    t.type("q");
    REQUIRE_MESSAGE(t.wait_for("NeoMutt: "), t.screen());
    CHECK(t.screen().find("Press any key") == std::string::npos);
    // Everything is in the store now: the series is whole.
    auto series = nlohmann::json::parse(h.run_seam("series --json"));
    REQUIRE(series.size() == 1);
    CHECK(series[0]["versions"][0]["received"] == 3);
  }

  TEST_CASE("neomutt: ,f fetches the thread, ,a applies the series to the tree of seam.repo") {
    SEAM_SKIP_UNLESS(have("tmux") && have("neomutt") && have("less") && seam::test::have_public_inbox(),
                     "tmux, neomutt, less or public-inbox is not installed");
    auto& pi = gauge_server();
    Home h({"gauge-2.eml"});
    const auto tree = gauge_tree(h.tmp);
    h.git_config(pi.base(), tree);
    // The store exists before the macro runs, as a user's does (only ingest
    // creates one; the test polls it with `list` while ,f writes).
    h.run_seam("ingest " + q(seam::test::data("clients/gauge-2.eml").string()));
    Tmux t(h.tmp.path());
    start_neomutt(t, h);
    REQUIRE_MESSAGE(t.wait_for("rust: gauge: add a gauge abstraction"), t.screen());

    t.type(",f");
    // No screen to read: the store is the witness (polled, the macro runs on its own).
    bool whole = false;
    for (int i = 0; i < 300 && !whole; ++i) {
      whole = h.run_seam("list --json").find("20251201-gauge-v1-3-cleo@example.org") != std::string::npos;
      if (!whole) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK_MESSAGE(whole, t.screen());
    CHECK(t.screen().find("Press any key") == std::string::npos);

    t.type(",a");
    REQUIRE_MESSAGE(t.wait_for("branch seam/"), t.screen());  // apply's report, in less
    t.type("q");
    REQUIRE_MESSAGE(t.wait_for("NeoMutt: "), t.screen());
    std::string branch = seam::test::shell("git -C " + q(tree) + " for-each-ref --format='%(refname)' refs/heads/seam/");
    while (!branch.empty() && branch.back() == '\n') branch.pop_back();
    REQUIRE(!branch.empty());
    const auto files = seam::test::shell("git -C " + q(tree) + " ls-tree -r --name-only " + branch);
    CHECK(files.find("rust/kernel/gauge.rs") != std::string::npos);
    CHECK(files.find("samples/rust/rust_gauge.rs") != std::string::npos);
  }

  TEST_CASE("aerc: ,r on one patch shows the checklist of the whole series, fetched from public-inbox") {
    SEAM_SKIP_UNLESS(have("tmux") && have("aerc") && have("less") && seam::test::have_public_inbox(),
                     "tmux, aerc, less or public-inbox is not installed");
    auto& pi = gauge_server();
    Home h({"gauge-2.eml"});
    h.git_config(pi.base());
    Tmux t(h.tmp.path());
    start_aerc(t, h);
    REQUIRE_MESSAGE(t.wait_for("rust: gauge: add a gauge abstraction"), t.screen());
    REQUIRE_MESSAGE(t.type_until(",r", "rust: add a gauge abstraction"), t.screen());
    t.type("/samples: rust: read a gauge");
    t.press("Enter");
    REQUIRE_MESSAGE(t.wait_for("samples: rust: read a gauge"), t.screen());
    auto series = nlohmann::json::parse(h.run_seam("series --json"));
    REQUIRE(series.size() == 1);
    CHECK(series[0]["versions"][0]["received"] == 3);
  }
}
