// RAII owners for libgit2 handles. Each owner frees with the matching
// git_*_free; nothing outside git/ sees these types.
#pragma once

#include <git2.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace seam::git {

template <typename T, void (*Free)(T*)>
struct Freer {
  void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Freer<T, Free>>;

using RepoPtr = Owned<git_repository, git_repository_free>;
using OdbPtr = Owned<git_odb, git_odb_free>;
using CommitPtr = Owned<git_commit, git_commit_free>;
using TreePtr = Owned<git_tree, git_tree_free>;
using BlobPtr = Owned<git_blob, git_blob_free>;
using RevwalkPtr = Owned<git_revwalk, git_revwalk_free>;
using OdbObjectPtr = Owned<git_odb_object, git_odb_object_free>;

// Initializes libgit2 once per process.
void ensure_init();

// The last libgit2 error as text, for messages.
std::string last_error();

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace seam::git
