// seam mailinfo: git mailinfo's command line and output on seam's mail
// decoding (mail/mailinfo.hpp), so scripts written for git mailinfo (and
// git am's habits) work unchanged: same files, same stdout, same status.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "mail/parse/mailinfo.hpp"

namespace seam::cli {

namespace {

// git exits with 129 for a command line it cannot use.
constexpr int kUsageStatus = 129;
constexpr const char* kUsage =
    "usage: seam mailinfo [-k | -b] [-u | --encoding=<encoding> | -n] [--[no-]scissors]\n"
    "                     [--[no-]message-id] [--quoted-cr=<action>] <msg> <patch> < mail > info\n";

struct Args {
  mail::MailinfoOptions opts;
  std::string quoted_cr;
  std::vector<std::string> files;
};

struct FileClose {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileClose>;

// fopen(path, "w") that reports a failure the way git's perror() does.
File create(const std::string& path) {
  File f(std::fopen(path.c_str(), "wb"));
  if (!f) std::cerr << path << ": " << std::strerror(errno) << "\n";
  return f;
}

bool write_all(std::FILE* f, const std::string& data, const std::string& path) {
  if (std::fwrite(data.data(), 1, data.size(), f) == data.size() && std::fflush(f) == 0) return true;
  std::cerr << path << ": " << std::strerror(errno) << "\n";
  return false;
}

int run(CLI::App& sub, Args& a) {
  if (!sub.remaining().empty()) {
    std::cerr << "error: unknown option '" << sub.remaining().front() << "'\n" << kUsage;
    return kUsageStatus;
  }
  if (a.files.size() != 2) {
    std::cerr << kUsage;
    return kUsageStatus;
  }
  if (!a.quoted_cr.empty()) {
    auto action = mail::parse_quoted_cr(a.quoted_cr);
    if (!action) {
      std::cerr << "error: bad action '" << a.quoted_cr << "' for '--quoted-cr'\n";
      return kUsageStatus;
    }
    a.opts.quoted_cr = *action;
  }
  const std::string& msg_path = a.files[0];
  const std::string& patch_path = a.files[1];

  // Like git: both files exist (truncated) before the mail is even read.
  File msg = create(msg_path);
  if (!msg) return 1;
  File patch = create(patch_path);
  if (!patch) return 1;

  std::string raw;
  char buf[1 << 16];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, stdin)) > 0;) raw.append(buf, n);
  if (std::ferror(stdin)) {
    std::cerr << "error: cannot read the mail from standard input\n";
    return 1;
  }
  mail::MailinfoResult r = mail::mailinfo(raw, a.opts);
  if (r.empty) {
    std::cerr << "error: empty patch: '" << patch_path << "'\n";
    return 1;
  }
  if (!write_all(patch.get(), r.patch, patch_path) || !write_all(msg.get(), r.msg, msg_path)) return 1;
  for (const auto& d : r.diagnostics) std::cerr << d << "\n";
  std::cout << r.info << std::flush;
  return r.ok ? 0 : 1;
}

}  // namespace

Action add_mailinfo(CLI::App& app, Global&) {
  CLI::App* sub = app.add_subcommand("mailinfo", "Split a mail into commit message and patch, as git mailinfo");
  // git accepts options anywhere, also after <msg> <patch>; CLI11 does too.
  // Unknown options are collected instead of failing the whole parse, so
  // that the status is git's 129 (see run()).
  sub->allow_extras();
  auto a = std::make_shared<Args>();
  auto& o = a->opts;
  const auto last = CLI::MultiOptionPolicy::TakeLast;
  sub->add_flag("-k", o.keep_subject, "Keep the subject as it is")->multi_option_policy(last);
  sub->add_flag("-b", o.keep_non_patch_brackets, "Remove only [...] groups that mention PATCH")
      ->multi_option_policy(last);
  // -u, -n and --encoding choose the charset together; the last one given
  // wins, so they act as the command line is read.
  sub->add_flag_callback("-u", [a] { a->opts.charset = "UTF-8"; }, "Re-encode metadata and message to UTF-8 (default)")
      ->trigger_on_parse();
  sub->add_flag_callback("-n", [a] { a->opts.charset.reset(); }, "Do not re-encode metadata and message")
      ->trigger_on_parse();
  sub->add_option_function<std::string>(
         "--encoding", [a](const std::string& cs) { a->opts.charset = cs; }, "Re-encode to this charset")
      ->trigger_on_parse();
  sub->add_flag("-m,--message-id,!--no-message-id", o.add_message_id, "Add Message-ID to the commit message")
      ->multi_option_policy(last);
  sub->add_flag("--scissors,!--no-scissors", o.scissors, "Drop everything above a scissors line")
      ->multi_option_policy(last);
  sub->add_flag("--inbody-headers,!--no-inbody-headers", o.inbody_headers,
                "Take From:/Subject:/Date: at the top of the body")
      ->multi_option_policy(last);
  sub->add_option("--quoted-cr", a->quoted_cr, "nowarn, warn or strip: CRLF in encoded text");
  sub->add_option("files", a->files, "<msg> <patch>: where the commit message and the patch go");
  return [sub, a]() -> int { return run(*sub, *a); };
}

}  // namespace seam::cli
