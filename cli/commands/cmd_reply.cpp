// seam reply: reply drafts to the patches a reviewer wrote notes on.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <set>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "cli/checklist_input.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "git/config.hpp"
#include "mail/parse/parse.hpp"
#include "mail/sources/locate.hpp"
#include "reports/checklist.hpp"
#include "reports/escape.hpp"
#include "reports/reply.hpp"

namespace fs = std::filesystem;

namespace seam::cli {

namespace {

core::Address parse_identity(const std::string& who) {
  const size_t lt = who.rfind('<');
  if (lt == std::string::npos) return {"", who};
  std::string name = who.substr(0, lt);
  while (!name.empty() && name.back() == ' ') name.pop_back();
  std::string email = who.substr(lt + 1);
  if (!email.empty() && email.back() == '>') email.pop_back();
  return {name, email};
}

std::string rfc2822_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  return core::rfc5322_date(t, static_cast<int>(tm.tm_gmtoff / 60));
}

std::string fresh_message_id(const std::string& my_email) {
  std::random_device rd;
  std::ostringstream id;
  id << std::time(nullptr) << ".seam." << std::hex << rd() << rd();
  const size_t at = my_email.rfind('@');
  std::string domain = at == std::string::npos ? "" : my_email.substr(at + 1);
  bool ok = !domain.empty();
  for (char c : domain)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-')) ok = false;
  return id.str() + "@" + (ok ? domain : "seam.invalid");
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string expand_home(const std::string& p) {
  if (p.rfind("~/", 0) == 0)
    if (const char* home = std::getenv("HOME")) return std::string(home) + p.substr(1);
  return p;
}

}  // namespace

Action add_reply(CLI::App& app, Global& g) {
  struct Args {
    std::string key, out, rules;
    int patch = 0, version = 0;
    bool reviewed_by = false, questions = false, send_ready = false, force = false;
  };
  auto a = std::make_shared<Args>();
  auto* sub = app.add_subcommand(
      "reply",
      "Reply drafts (RFC 2822, threaded under each patch) quoting the lines your notes are about, each note below "
      "its line; for neomutt -H, aerc and git send-email");
  sub->add_option("what", a->key, "A patch's Message-ID (only that patch) or a series (Message-ID or id)")->required();
  sub->add_option("--patch", a->patch, "Only patch N of the version")->check(whole_number(1, 100000));
  sub->add_option("--version", a->version, "Which version (default: the message's, else the newest)")
      ->check(whole_number(1, 100000));
  sub->add_option("-o,--output", a->out,
                  "An mbox FILE of the drafts, or an existing DIRectory (or a path ending in /) for one file per "
                  "draft; default: an mbox on standard output");
  sub->add_flag("--reviewed-by", a->reviewed_by, "End each draft with your Reviewed-by: trailer (git config user.*)");
  sub->add_flag("--questions", a->questions,
                "Besides the notes, ask the questions of the checklist items that have neither a tick nor a note");
  sub->add_flag("--force", a->force, "Replace draft files that -o would write and that exist already");
  sub->add_flag("--send-ready", a->send_ready,
                "Refuse drafts git send-email cannot send as they are: no From (git config user.name/user.email), "
                "no recipient, a ${...} placeholder left, a line over 998 bytes");
  sub->add_option("--rules", a->rules, "Extra rules folder (*.scm), as for checklist");
  return [a, &g]() -> int {
    core::Store store(g.db_path(), core::Store::Open::existing);
    auto built = build_checklist(store, {a->key, a->version, a->rules, ""}, "reply");
    if (!built) return 1;
    const reports::Checklist& c = built->checklist;
    // A patch's Message-ID: that patch only.
    int only = a->patch;
    std::string key = a->key;
    if (key.size() > 2 && key.front() == '<' && key.back() == '>') key = key.substr(1, key.size() - 2);
    if (only == 0)
      for (const auto& p : c.patches)
        if (p.msgid == key) only = p.index;
    if (a->patch > 0 && std::none_of(c.patches.begin(), c.patches.end(), [&](const auto& p) { return p.index == a->patch; })) {
      std::cerr << "seam reply: series " << c.series_id << " v" << c.version << " has no patch " << a->patch << "\n";
      return 1;
    }
    const auto items = reports::checklist_items(c);
    const auto places = core::place_notes(c.notes, c.version, items);

    reports::ReplyOptions opts;
    if (auto who = git::user_identity(".")) opts.me = parse_identity(*who);
    opts.reviewed_by = a->reviewed_by;
    if (a->reviewed_by && opts.me.email.empty()) {
      std::cerr << "seam reply: --reviewed-by needs your identity: git config user.name and user.email\n";
      return 1;
    }
    auto tpl = git::config_values("seam.reply-template", ".");
    if (!tpl.empty() && !tpl.back().empty()) {
      auto text = read_file(expand_home(tpl.back()));
      if (!text) {
        std::cerr << "seam reply: seam.reply-template: cannot read " << tpl.back() << "\n";
        return 1;
      }
      opts.template_text = *text;
    }
    auto sig = git::config_values("seam.signature", ".");
    if (!sig.empty()) opts.signature = sig.back();
    else if (const char* home = std::getenv("HOME"))
      opts.signature = read_file(std::string(home) + "/.signature").value_or("");

    std::vector<std::pair<int, std::string>> drafts;  // patch index, text
    size_t item_k = 0;
    for (size_t pi = 0; pi < c.patches.size(); ++pi) {
      const auto& p = c.patches[pi];
      const auto entries = reports::checklist_entries(p.review.findings);
      const size_t first_item = item_k;
      item_k += entries.size();
      if (only && p.index != only) continue;
      std::vector<reports::ReplyRemark> remarks;
      for (const auto& pl : places) {
        const core::ReviewNote& n = c.notes[pl.note];
        if (pl.patch != p.index || n.tick) continue;
        if (n.item.empty()) {
          remarks.push_back({"", 0, n.text});
          continue;
        }
        for (const auto& it : items)
          if (it.item == pl.item) remarks.push_back({it.path, it.line, n.text});
      }
      if (a->questions) {
        // The items nobody has answered yet: no tick and no note of this
        // version on them (a note says what the reviewer thinks already).
        for (size_t ei = 0; ei < entries.size(); ++ei) {
          const core::ReviewItem& it = items[first_item + ei];
          const bool answered = std::any_of(places.begin(), places.end(), [&](const auto& pl) {
            return pl.item == it.item && !pl.carried;
          });
          if (answered) continue;
          std::string q;
          std::set<std::string> asked;
          for (size_t f : entries[ei].findings) {
            const auto& fd = p.review.findings[f];
            if (asked.insert(fd.question).second) q += (q.empty() ? "" : "\n") + fd.question;
            if (entries[ei].folded) break;
          }
          remarks.push_back({it.path, it.line, q});
        }
      }
      if (remarks.empty()) continue;
      auto raw = mail::read_raw(store, p.msgid);
      if (!raw.raw) {
        std::cerr << "seam reply: " << raw.error << "\n";
        return 1;
      }
      auto parsed = mail::parse_message(*raw.raw);
      if (!parsed.message) {
        std::cerr << "seam reply: <" << p.msgid << ">: " << parsed.error << "\n";
        return 1;
      }
      const core::Message& m = *parsed.message;
      reports::ReplyOriginal o;
      o.msgid = p.msgid;
      o.subject = m.subject;
      o.from = m.from;
      o.reply_to = mail::parse_address_list(reports::raw_header(*raw.raw, "Reply-To"));
      o.to = mail::parse_address_list(m.to_raw);
      o.cc = mail::parse_address_list(m.cc_raw);
      o.references = m.references;
      o.date_raw = m.date_raw;
      o.body = mail::body_text(*raw.raw);
      opts.date = rfc2822_now();
      opts.message_id = fresh_message_id(opts.me.email);
      drafts.emplace_back(p.index, reports::reply_message(o, remarks, opts));
      if (a->send_ready)
        if (std::string why = reports::reply_ready(drafts.back().second); !why.empty()) {
          std::cerr << "seam reply: the draft for patch " << p.index << " is not ready to send: " << why << "\n";
          return 1;
        }
    }
    if (drafts.empty()) {
      std::cerr << "seam reply: " << reports::printable(a->key) << ": "
                << (a->questions ? "no notes and no open checklist items" : "no notes (seam note, or --questions)")
                << " in "
                << c.series_id << " v" << c.version << (only ? " patch " + std::to_string(only) : std::string())
                << "\n";
      return 1;
    }
    std::error_code ec;
    const bool dir = !a->out.empty() && (a->out.back() == '/' || fs::is_directory(a->out, ec));
    // A draft may hold the reviewer's edits: it is replaced only when asked.
    auto refuse_existing = [&](const std::vector<std::string>& paths) {
      if (a->force) return false;
      for (const auto& path : paths)
        if (fs::exists(path, ec)) {
          std::cerr << "seam reply: " << path << " exists (edited drafts are not replaced; --force replaces it)\n";
          return true;
        }
      return false;
    };
    if (dir) {
      fs::create_directories(a->out, ec);
      std::vector<std::string> paths;
      for (const auto& d : drafts) {
        char name[64];
        std::snprintf(name, sizeof name, "v%d-%04d-reply.eml", c.version, d.first);
        paths.push_back((fs::path(a->out) / name).string());
      }
      if (refuse_existing(paths)) return 1;
      for (size_t k = 0; k < drafts.size(); ++k) {
        if (!emit(drafts[k].second, paths[k], "reply")) return 1;
        std::cout << paths[k] << "\n";
      }
      return 0;
    }
    if (!a->out.empty() && a->out != "-" && refuse_existing({a->out})) return 1;
    std::vector<std::string> texts;
    for (auto& d : drafts) texts.push_back(std::move(d.second));
    return emit(reports::reply_mbox(texts), a->out, "reply") ? 0 : 1;
  };
}

}  // namespace seam::cli
