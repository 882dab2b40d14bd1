#include "cli/series_input.hpp"

#include <cctype>
#include <iostream>
#include <set>

#include "core/analysis/hunks.hpp"
#include "git/objects.hpp"
#include "mail/am.hpp"
#include "mail/sources/locate.hpp"
#include "reports/escape.hpp"

namespace seam::cli {

std::optional<std::string> series_id_of(core::Store& store, const std::string& key, const char* command,
                                        const char* label) {
  if (auto id = store.series_of(key)) return id;
  std::cerr << "seam " << command << ": " << label << (*label ? " " : "") << reports::printable(key) << ": ";
  if (auto ids = store.series_with_prefix(key, 6); ids.size() > 1) {
    std::cerr << "ambiguous short id; it starts";
    for (size_t i = 0; i < ids.size() && i < 5; ++i) std::cerr << (i ? ", " : " ") << ids[i];
    std::cerr << (ids.size() > 5 ? " and more" : "") << "\n";
  } else {
    const bool short_hex = !key.empty() && key.size() < core::Store::kMinSeriesPrefix &&
                           key.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
    std::cerr << "no series has this message or id"
              << (store.find_message(key)
                      ? " (the message is stored but belongs to no series)"
                      : short_hex ? " (a short id needs at least " + std::to_string(core::Store::kMinSeriesPrefix) +
                                        " hex digits)"
                                  : std::string())
              << "\n";
  }
  return std::nullopt;
}

bool names_series_id(core::Store& store, const std::string& key, const core::Series& s) {
  std::string k = key;
  if (k.size() > 2 && k.front() == '<' && k.back() == '>') k = k.substr(1, k.size() - 2);
  if (k == s.id) return true;
  if (k.size() < core::Store::kMinSeriesPrefix || k.size() >= s.id.size()) return false;
  for (size_t i = 0; i < k.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(k[i])) != s.id[i]) return false;
  return !store.find_message(k);  // a Message-ID comes first, as in Store::series_of
}

std::optional<core::Series> find_series(core::Store& store, const std::string& key, const char* command,
                                        const core::AssembleOptions& opts) {
  auto id = series_id_of(store, key, command);
  if (!id) return std::nullopt;
  std::vector<core::Series> all;
  const core::AssembleOptions defaults;
  if (opts.sloppy_trailers != defaults.sloppy_trailers || opts.cover_trailers != defaults.cover_trailers) {
    for (auto& s : core::assemble(store.load_facts_around(*id), opts))
      if (s.id == *id) all.push_back(std::move(s));
  } else {
    core::Store::SeriesFilter f;
    f.id = *id;
    all = store.load_series(f);
  }
  if (all.empty() || all.front().versions.empty()) {
    std::cerr << "seam " << command << ": " << key << ": the series has no versions\n";
    return std::nullopt;
  }
  if (all.front().pull) {
    std::cerr << "seam " << command << ": " << key << " is a pull request, not a patch series\n";
    return std::nullopt;
  }
  return std::move(all.front());
}

const core::SeriesVersion* find_version(core::Store& store, const core::Series& s, int number,
                                        const std::string& key, const char* command) {
  if (number == 0) {
    // The version of the message asked for: walk up from a reply to the
    // patch or cover letter it answers.
    std::string k = key;
    if (k.size() > 2 && k.front() == '<' && k.back() == '>') k = k.substr(1, k.size() - 2);
    if (names_series_id(store, key, s)) return &s.versions.back();
    for (int depth = 0; depth < 200 && !k.empty() && k != s.id; ++depth) {
      if (const auto* v = core::version_with_message(s, k)) return v;
      auto m = store.find_message(k);
      if (!m) break;
      std::string parent = m->message.in_reply_to;
      if (parent.empty() || !store.find_message(parent)) {
        parent.clear();
        for (auto r = m->message.references.rbegin(); r != m->message.references.rend() && parent.empty(); ++r)
          if (*r != k && store.find_message(*r)) parent = *r;
      }
      k = parent;
    }
    return &s.versions.back();
  }
  for (const auto& v : s.versions)
    if (v.version == number) return &v;
  std::cerr << "seam " << command << ": series " << s.id << " has no version " << number << " (it has";
  for (const auto& v : s.versions) std::cerr << " v" << v.version;
  std::cerr << ")\n";
  return nullptr;
}

std::optional<std::vector<git::PatchInput>> patch_inputs(core::Store& store, const core::SeriesVersion& v,
                                                         const char* command) {
  std::vector<git::PatchInput> out;
  for (const auto& p : v.patches) {
    auto raw = mail::read_raw(store, p.msgid);
    if (!raw.raw) {
      std::cerr << "seam " << command << ": " << raw.error << "\n";
      return std::nullopt;
    }
    auto parts = mail::commit_parts(*raw.raw, p, {});
    out.push_back({p.msgid, parts.diff, parts.message, parts.author.value, parts.author.email, parts.date,
                   parts.tz_minutes});
  }
  if (!v.missing().empty())
    std::cerr << "seam " << command << ": warning: v" << v.version << " lacks " << v.missing().size() << " of "
              << v.expected << " patches\n";
  return out;
}

std::unique_ptr<RepoReview> RepoReview::open(const std::string& repo, const std::vector<git::PatchInput>& patches,
                                             const git::BaseHints& hints, const char* command) {
  git::ApplyOptions opts;
  opts.write_branch = false;
  auto r = git::apply_patches(repo, patches, hints, opts);
  if (r.failed) {
    std::cerr << "seam " << command << ": the series does not apply in " << repo << ": <" << r.failed->id
              << ">: " << r.failed->path << ": " << r.failed->reason << "\n";
    return nullptr;
  }
  if (!r.error.empty()) {  // names the repository already
    std::cerr << "seam " << command << ": --repo: " << r.error << "\n";
    return nullptr;
  }
  std::unique_ptr<RepoReview> out(new RepoReview);
  // The applied commits live in memory only: --repo is read, never written.
  out->reader_ = std::make_shared<git::ObjectReader>(r.objects);
  out->commits_.push_back(r.base);
  for (const auto& [id, commit] : r.applied) out->commits_.push_back(commit);
  // The boundary before and after the series: a C change matters if Rust
  // used the name before or uses it after. rust/ is read whole at the base;
  // after the series only the files the patches touch can differ.
  const std::string& base = out->commits_.front();
  const std::string& last = out->commits_.back();
  out->reader_->for_each_file(base, "rust", ".rs", [&](const std::string& path, std::string_view data) {
    out->boundary_.add_rust_file(path, data);
  });
  if (auto h = out->reader_->read_path(base, "rust/bindings/bindings_helper.h")) out->boundary_.add_bindings_helper(*h);
  std::set<std::string> touched;
  for (const auto& p : patches)
    for (const auto& f : core::parse_diff(p.diff)) touched.insert(f.new_path);
  for (const auto& path : touched) {
    if (path.rfind("rust/", 0) != 0) continue;
    if (path.size() > 3 && path.compare(path.size() - 3, 3, ".rs") == 0) {
      if (auto data = out->reader_->read_path(last, path)) out->boundary_.add_rust_file(path, *data);
    } else if (path == "rust/bindings/bindings_helper.h") {
      if (auto h = out->reader_->read_path(last, path)) out->boundary_.add_bindings_helper(*h);
    }
  }
  return out;
}

core::RepoView RepoReview::view(size_t i) const {
  auto reader_at = [reader = reader_](std::string commit) -> core::PostImageReader {
    return [reader, commit = std::move(commit)](const std::string& path) { return reader->read_path(commit, path); };
  };
  return {reader_at(commits_.at(i + 1)), reader_at(commits_.at(i)), &boundary_};
}

}  // namespace seam::cli
