#include "git/mailmap.hpp"

#include <cctype>
#include <fstream>
#include <iterator>

#include "git/handles.hpp"

namespace seam::git {

void Mailmap::Free::operator()(git_mailmap* m) const { git_mailmap_free(m); }

Mailmap::Mailmap() { ensure_init(); }
Mailmap::~Mailmap() = default;
Mailmap::Mailmap(Mailmap&&) noexcept = default;
Mailmap& Mailmap::operator=(Mailmap&&) noexcept = default;

namespace {
// Lines that can be entries: not blank, not comments. libgit2 does not say
// how many it took, so empty() is told from the text.
size_t entry_lines(const std::string& text) {
  size_t n = 0, pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    const size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string_view::npos && line[first] != '#' && line.find('<') != std::string_view::npos) ++n;
    pos = end + 1;
  }
  return n;
}
}  // namespace

Mailmap Mailmap::from_repository(const std::string& repo_path) {
  ensure_init();
  git_repository* r = nullptr;
  if (git_repository_open_ext(&r, repo_path.c_str(), 0, nullptr) != 0)
    throw Error(repo_path + ": not a git repository: " + last_error());
  RepoPtr repo(r);
  git_mailmap* m = nullptr;
  if (git_mailmap_from_repository(&m, repo.get()) != 0)
    throw Error(repo_path + ": cannot read its mailmap: " + last_error());
  Mailmap out;
  out.maps_.emplace_back(m);
  // Count what it holds: the work tree's .mailmap, else HEAD's.
  std::string text;
  if (const char* wd = git_repository_workdir(repo.get())) {
    std::ifstream in(std::string(wd) + ".mailmap", std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (text.empty()) {
    git_object* obj = nullptr;
    if (git_revparse_single(&obj, repo.get(), "HEAD:.mailmap") == 0) {
      if (git_object_type(obj) == GIT_OBJECT_BLOB) {
        auto* blob = reinterpret_cast<git_blob*>(obj);
        text.assign(static_cast<const char*>(git_blob_rawcontent(blob)), git_blob_rawsize(blob));
      }
      git_object_free(obj);
    }
  }
  out.entries_ = entry_lines(text);
  return out;
}

Mailmap Mailmap::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot read the mailmap file");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return from_buffer(text);
}

Mailmap Mailmap::from_buffer(const std::string& text) {
  Mailmap out;
  out.add_buffer(text);
  return out;
}

bool Mailmap::add_buffer(const std::string& text) {
  git_mailmap* m = nullptr;
  if (git_mailmap_from_buffer(&m, text.data(), text.size()) != 0) return false;
  maps_.emplace_back(m);
  entries_ += entry_lines(text);
  return true;
}

std::pair<std::string, std::string> Mailmap::resolve(const std::string& name, const std::string& mixed) const {
  // git compares addresses without case; libgit2 does not: look up the
  // lower-case form (as .mailmap files write them).
  std::string email = mixed;
  for (auto& c : email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto it = maps_.rbegin(); it != maps_.rend(); ++it) {
    const char* rn = nullptr;
    const char* re = nullptr;
    if (git_mailmap_resolve(&rn, &re, it->get(), name.c_str(), email.c_str()) != 0 || !rn || !re) continue;
    if (name != rn || email != re) return {rn, re};
  }
  return {name, mixed};
}

}  // namespace seam::git
