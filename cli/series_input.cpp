#include "cli/series_input.hpp"

#include <iostream>
#include <set>

#include "core/hunks.hpp"
#include "git/objects.hpp"
#include "mail/am.hpp"
#include "mail/locate.hpp"

namespace seam::cli {

std::optional<core::Series> find_series(core::Store& store, const std::string& key, const char* command) {
  auto id = store.series_of(key);
  if (!id) {
    std::cerr << "seam " << command << ": " << key << ": no series has this message or id\n";
    return std::nullopt;
  }
  core::Store::SeriesFilter f;
  f.id = *id;
  auto all = store.load_series(f);
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

const core::SeriesVersion* find_version(const core::Series& s, int number, const char* command) {
  if (number == 0) return &s.versions.back();
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
