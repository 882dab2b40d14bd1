// A repository opened with an in-memory object database in front of its
// own (libgit2's mempack backend): objects seam writes (blobs, trees,
// commits of an applied series) stay in this process until publish(); the
// repository's own objects read as usual. Internal to git/: other folders see
// only the opaque git::Scratch of git/apply.hpp.
#pragma once

#include <memory>
#include <string>

#include "git/handles.hpp"

namespace seam::git {

class Scratch {
 public:
  // Opens the repository at `path` (searching upwards, as git does) with a
  // mempack in front. Returns nullptr and sets `error` (naming the path) when
  // it is not a repository.
  static std::shared_ptr<Scratch> open(const std::string& path, std::string& error);

  git_repository* repo() const { return repo_.get(); }
  const std::string& path() const { return path_; }

  // Writes every object held in memory into the repository's object
  // database as one packfile. Returns "" or why it failed.
  std::string publish();

 private:
  Scratch() = default;
  std::string path_;
  RepoPtr repo_;
  git_odb_backend* mempack_ = nullptr;  // owned by the repository's odb
};

}  // namespace seam::git
