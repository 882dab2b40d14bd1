#include "cli/people_input.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "cli/progress.hpp"
#include "core/analysis/rules.hpp"
#include "core/people/events.hpp"
#include "git/config.hpp"
#include "git/handles.hpp"
#include "mail/parse/parse.hpp"
#include "mail/sources/locate.hpp"

namespace seam::cli {

void add_people_options(CLI::App* sub, PeopleOptions& o) {
  sub->add_option("--repo", o.repo,
                  "A repository whose .mailmap merges addresses and whose MAINTAINERS gives areas "
                  "(default: git config seam.repo)");
  sub->add_option("--mailmap", o.mailmap, "A .mailmap file (default: git config seam.mailmap), after the repository's");
  sub->add_option("--maintainers", o.maintainers,
                  "A MAINTAINERS file for areas and M:/R: entries (default: git config seam.maintainers, else "
                  "MAINTAINERS of the repository)");
}

namespace {

std::string last_config(const char* key) {
  auto v = git::config_values(key);
  return v.empty() ? std::string() : v.back();
}

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

std::unique_ptr<People> load_people(core::Store& store, const PeopleOptions& opts, const char* command) {
  const std::string where = std::string("seam ") + command + ": ";
  if (store.message_count() == 0) {
    std::cerr << where << "the store " << store.path() << " holds no mail yet (seam ingest SOURCE)\n";
    return nullptr;
  }
  auto out = std::make_unique<People>();
  PeopleOptions o = opts;
  if (o.repo.empty()) o.repo = last_config("seam.repo");
  if (o.mailmap.empty()) o.mailmap = last_config("seam.mailmap");
  if (o.maintainers.empty()) o.maintainers = last_config("seam.maintainers");
  try {
    if (!o.repo.empty()) out->mailmap = git::Mailmap::from_repository(o.repo);
    if (!o.mailmap.empty()) {
      auto text = read_text(o.mailmap);
      if (!text) {
        std::cerr << where << "--mailmap " << o.mailmap << ": cannot read it\n";
        return nullptr;
      }
      out->mailmap.add_buffer(*text);
    }
  } catch (const git::Error& e) {
    std::cerr << where << "--repo: " << e.what() << "\n";
    return nullptr;
  }
  std::string maint_path = o.maintainers;
  if (maint_path.empty() && !o.repo.empty()) {
    std::error_code ec;
    const auto p = std::filesystem::path(o.repo) / "MAINTAINERS";
    if (std::filesystem::is_regular_file(p, ec)) maint_path = p.string();
  }
  if (!maint_path.empty()) {
    auto text = read_text(maint_path);
    if (!text) {
      std::cerr << where << "--maintainers " << maint_path << ": cannot read it\n";
      return nullptr;
    }
    out->maintainers = std::make_unique<core::people::Maintainers>(*text);
    for (const auto& e : out->maintainers->errors())
      std::cerr << where << "warning: " << maint_path << ":" << e.line << ": " << e.message << "\n";
  }
  if (core::people::events_stale(store)) {
    auto rules = core::load_rules(core::rule_dirs(SEAM_RULES_DIR, ""));
    Progress bar;
    mail::RawReader reader(store);
    auto body = [&reader](const std::string& msgid, std::string& error) -> std::optional<std::string> {
      auto r = reader.read(msgid);
      if (!r.raw) {
        error = r.error;
        return std::nullopt;
      }
      return mail::body_text(*r.raw);
    };
    auto stats = core::people::update_events(store, rules, body, [&](int64_t done, int64_t total) {
      bar.update("review events", done, total);
    });
    bar.clear();
    size_t shown = 0;
    for (const auto& e : stats.errors)
      if (shown++ < 5) std::cerr << where << "warning: " << e << "\n";
    if (stats.errors.size() > 5)
      std::cerr << where << "warning: " << stats.errors.size() - 5 << " more messages could not be read back\n";
  }
  const git::Mailmap* mm = &out->mailmap;
  core::people::Resolver resolve;
  if (!mm->empty()) resolve = [mm](const std::string& n, const std::string& e) { return mm->resolve(n, e); };
  out->data = core::people::load(store, resolve, out->maintainers.get());
  return out;
}

}  // namespace seam::cli
