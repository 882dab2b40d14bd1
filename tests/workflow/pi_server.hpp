// A real public-inbox server for the workflow tests: a v2 inbox built in a
// temporary directory (its own HOME and PI_CONFIG) from the tests' fixture
// mail, indexed with public-inbox-index, and served by public-inbox-httpd on
// 127.0.0.1 at a free port. The server runs in its own process group, which
// the owner kills when it goes away (also when a test fails), so nothing is
// left running.
#pragma once

#include <doctest/doctest.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "mail/sources/mbox.hpp"
#include "tests/support.hpp"

namespace seam::test {

// True when public-inbox (Debian's package) is installed; tests skip otherwise.
inline bool have_public_inbox() {
  int st = 0;
  shell("command -v public-inbox-httpd >/dev/null 2>&1 && command -v public-inbox-index >/dev/null 2>&1", &st);
  return st == 0;
}

// A socket bound to 127.0.0.1 on a port the kernel chose, listening (so
// clients connect at once) but owned by the test: the server inherits it.
class Listener {
 public:
  // `port` 0: any free port.
  explicit Listener(int port = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(::listen(fd_, 64) == 0);
    socklen_t len = sizeof a;
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port_ = ntohs(a.sin_port);
  }
  ~Listener() { close(); }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  int fd() const { return fd_; }
  int port() const { return port_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

class PiServer {
 public:
  // An empty inbox `name` (address NAME@example.org).
  explicit PiServer(std::string name = "test") : name_(std::move(name)) {
    inbox_ = dir_ / "inbox";
    sh("public-inbox-init -V2 " + name_ + " '" + inbox_.string() + "' http://127.0.0.1/" + name_ + " " + name_ +
       "@example.org");
    epoch_ = inbox_ / "git" / "0.git";
    REQUIRE_MESSAGE(std::filesystem::is_directory(epoch_), "public-inbox-init made no " << epoch_);
  }
  // Not an inbox: a plain web server (tests/data/lore/static.psgi run by
  // public-inbox-httpd) serving the files under site() as they are at
  // /all/..., and 503 for everything under /down/.
  struct StaticSite {};
  explicit PiServer(StaticSite) : name_("all"), psgi_(data("lore/static.psgi")) {
    std::filesystem::create_directories(site());
  }
  std::filesystem::path site() const { return dir_ / "site"; }

  ~PiServer() { stop(); }
  PiServer(const PiServer&) = delete;
  PiServer& operator=(const PiServer&) = delete;

  // Adds every message of an mboxrd file (or one message file) and indexes them.
  void add_mbox(const std::filesystem::path& file) {
    const std::string data = read_bytes(file);
    REQUIRE_MESSAGE(!data.empty(), "cannot read " << file);
    std::vector<std::string> msgs;
    if (mail::looks_like_mbox(data))
      for (const auto& e : mail::split_mbox(data)) msgs.push_back(mail::extract_message(data, e, mail::MboxFormat::mboxrd));
    else
      msgs.push_back(data);
    add_messages(msgs);
  }

  // Adds raw messages as public-inbox v2 does (one commit per message, its
  // blob `m`, on the epoch's master) and runs public-inbox-index.
  void add_messages(const std::vector<std::string>& msgs) {
    const auto file = dir_ / "next-message";
    for (const auto& m : msgs) {
      write_file(file, m);
      sh("export GIT_DIR='" + epoch_.string() +
         "' GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.org GIT_COMMITTER_NAME=test "
         "GIT_COMMITTER_EMAIL=test@example.org && b=$(git hash-object -w '" + file.string() +
         "') && t=$(printf '100644 blob %s\\tm\\n' \"$b\" | git mktree) && p=$(git rev-parse -q --verify "
         "refs/heads/master || true) && c=$(git commit-tree \"$t\" ${p:+-p $p} -m mail) && git update-ref "
         "refs/heads/master \"$c\"");
    }
    sh("public-inbox-index '" + inbox_.string() + "'");
    // A running httpd keeps its search index open: serve the new mail from
    // a fresh one, on the same port.
    if (running()) {
      const int port = port_;
      stop();
      start(port);
    }
  }

  // Starts public-inbox-httpd on a fresh port (or on `port`), inheriting the
  // listening socket as under systemd, and waits until it answers.
  void start(int port = 0) {
    REQUIRE(pid_ <= 0);
    Listener l(port);
    port_ = l.port();
    const std::string home = dir_.path().string(), config = (dir_ / "config").string(), err = (dir_ / "httpd.log").string();
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::setpgid(0, 0);  // its own process group: killed whole on stop()
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // and with the tests, should they crash
      if (l.fd() == 3) ::fcntl(3, F_SETFD, 0);  // keep it across exec
      else ::dup2(l.fd(), 3);                   // the copy has no close-on-exec
      const std::string me = std::to_string(::getpid());
      // Its start-up chatter goes to the log, not between the test results.
      const int log = ::open(err.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (log >= 0) {
        ::dup2(log, 1);
        ::dup2(log, 2);
      }
      ::setenv("LISTEN_FDS", "1", 1);
      ::setenv("LISTEN_PID", me.c_str(), 1);
      ::setenv("HOME", home.c_str(), 1);
      ::setenv("PI_CONFIG", config.c_str(), 1);
      const std::string root = site().string(), psgi = psgi_.string();
      ::setenv("SEAM_STATIC_ROOT", root.c_str(), 1);
      ::execlp("public-inbox-httpd", "public-inbox-httpd", "-W0", "-1", err.c_str(), "-2", err.c_str(),
               psgi.empty() ? static_cast<char*>(nullptr) : psgi.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::setpgid(pid, pid);  // also from here, whichever runs first
    pid_ = pid;
    l.close();  // only the server holds the socket: once it stops, connections are refused
    wait_ready();
  }

  // Stops the server: SIGTERM to its process group, SIGKILL after 10 s.
  void stop() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGTERM);
    for (int i = 0; i < 200; ++i) {
      int st = 0;
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        ::kill(-pid_, SIGKILL);  // anything it left in its group
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  // http://127.0.0.1:PORT/NAME: the inbox base seam is given.
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_) + "/" + name_; }
  std::string root() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::filesystem::path& dir() const { return dir_.path(); }

  // Runs a command line with this inbox's HOME and PI_CONFIG.
  std::string sh(const std::string& cmd) {
    return shell("export HOME='" + dir_.path().string() + "' PI_CONFIG='" + (dir_ / "config").string() +
                 "' GIT_CONFIG_NOSYSTEM=1 && { " + cmd + "; } 2>&1");
  }

 private:
  // An HTTP GET of the inbox page, answered: the server is serving.
  void wait_ready() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      int st = 0;
      REQUIRE_MESSAGE(::waitpid(pid_, &st, WNOHANG) == 0,
                      "public-inbox-httpd exited: " << read_bytes(dir_ / "httpd.log"));
      int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      REQUIRE(fd >= 0);
      timeval tv{30, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(static_cast<uint16_t>(port_));
      std::string got;
      if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        const std::string req = "GET /" + name_ + "/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
        if (::write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
          char buf[256];
          ssize_t n = ::read(fd, buf, sizeof buf);
          if (n > 0) got.assign(buf, static_cast<size_t>(n));
        }
      }
      ::close(fd);
      if (got.rfind("HTTP/1.", 0) == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL("public-inbox-httpd did not answer in 60 s: " << read_bytes(dir_ / "httpd.log"));
  }

  TempDir dir_;
  std::string name_;
  std::filesystem::path psgi_;  // set for a static site
  std::filesystem::path inbox_, epoch_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// The fixture threads of tests/data/lore/ (widget-v2.mbox, gpio-fix.mbox),
// served once for every test that only reads them; stopped at exit.
inline PiServer& fixture_server() {
  static PiServer* s = [] {
    static PiServer server;
    if (!server.running()) {
      server.add_mbox(data("lore/widget-v2.mbox"));
      server.add_mbox(data("lore/gpio-fix.mbox"));
      server.start();
    }
    return &server;
  }();
  return *s;
}

}  // namespace seam::test
