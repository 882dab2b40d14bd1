// Identities by .mailmap, read with libgit2 (git_mailmap_*): the canonical
// name and address of whoever wrote "Name <address>", as `git shortlog`
// and `git log --use-mailmap` would give them.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

struct git_mailmap;

namespace seam::git {

class Mailmap {
 public:
  // An empty mailmap: resolve() returns its input.
  Mailmap();
  ~Mailmap();
  Mailmap(Mailmap&&) noexcept;
  Mailmap& operator=(Mailmap&&) noexcept;

  // The mailmap of the repository at `repo_path` (its .mailmap in the work
  // tree, or HEAD:.mailmap of a bare one, and mailmap.file/mailmap.blob of
  // its configuration), as libgit2 reads it. Throws git::Error naming the
  // path when it is no repository.
  static Mailmap from_repository(const std::string& repo_path);
  // The entries of the .mailmap-format file `path`. Throws git::Error naming
  // the file when it cannot be read.
  static Mailmap from_file(const std::string& path);
  // The entries of `text` (.mailmap format; malformed lines are skipped, as
  // git does).
  static Mailmap from_buffer(const std::string& text);

  // Adds the entries of `text` (a --mailmap FILE beside a repository's
  // mailmap): they are looked up first. Returns false when libgit2 cannot
  // parse it.
  bool add_buffer(const std::string& text);

  // The canonical {name, email} of `name` <`email`>; the input when no entry
  // matches. The address is compared case-insensitively (as git does).
  std::pair<std::string, std::string> resolve(const std::string& name, const std::string& email) const;

  // Whether any entry was loaded.
  bool empty() const { return entries_ == 0; }

 private:
  struct Free {
    void operator()(git_mailmap* m) const;
  };
  std::vector<std::unique_ptr<git_mailmap, Free>> maps_;  // looked up last to first
  size_t entries_ = 0;
};

}  // namespace seam::git
