// Reading objects of a (possibly bare, possibly incomplete) repository, as
// public-inbox epochs need: walk the commits of a branch oldest first and read
// one file of each commit's tree.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "git/handles.hpp"

namespace seam::git {

class Scratch;

class ObjectReader {
 public:
  // Opens the repository at `path` (a bare repository or a .git folder).
  // Mirrors of public-inbox epochs often lack refs/; those are opened through
  // their object database and packed-refs. Throws Error naming the path.
  explicit ObjectReader(const std::string& path);
  // Reads through an in-memory repository (an apply's result objects): its
  // new commits and the repository's own objects. Shares ownership.
  explicit ObjectReader(std::shared_ptr<Scratch> objects);

  // The commit HEAD points at, as 40 hex digits. Throws Error when none.
  std::string head() const;

  // A commit and its tree, as raw object ids (40 bytes a commit, whatever
  // the length of the history: an epoch of millions of messages stays small).
  struct CommitTree {
    git_oid commit, tree;
    std::string commit_hex() const;  // 40 hex digits
  };
  // The first-parent line from `tip` back to (not including) `since`, or to
  // the root when `since` is empty or not on that line; oldest first. Reads
  // raw commit objects: an epoch's history is one straight line, and this is
  // several times cheaper than a sorted revwalk. A missing commit ends the
  // line there (a shallow or partial mirror). Throws Error naming the path
  // when `tip` itself cannot be read.
  std::vector<CommitTree> first_parent_line(const std::string& tip, const std::string& since) const;

  // The blob at `path` (may contain '/') in the tree of `commit_hex`, or
  // nullopt when there is none.
  std::optional<std::string> read_path(const std::string& commit_hex, const std::string& path) const;

  // Calls `fn` with the path and bytes of every blob under the folder `dir`
  // of the commit's tree whose name ends with `suffix` (all when empty).
  // Nothing happens when the commit or folder is missing.
  void for_each_file(const std::string& commit_hex, const std::string& dir, const std::string& suffix,
                     const std::function<void(const std::string& path, std::string_view data)>& fn) const;

  // True when the object exists in the object database.
  bool has(const std::string& oid_hex) const;

  struct FileRead {
    std::optional<std::string> data;  // set on success
    std::string error;                // why it could not be read otherwise
    bool absent = false;              // the tree has no entry of that name
  };
  // Reads the blob named `name` at the top of the commit's tree. Failures
  // (missing commit, tree or blob in a partial clone) are values.
  FileRead read_file(const std::string& commit_hex, const char* name) const;

  // The same without copying the blob: the bytes live as long as the view.
  class BlobView {
   public:
    bool ok() const { return blob_ != nullptr; }
    std::string_view data() const {
      return {static_cast<const char*>(git_blob_rawcontent(blob_.get())),
              static_cast<size_t>(git_blob_rawsize(blob_.get()))};
    }
    std::string error;
    bool absent = false;

   private:
    friend class ObjectReader;
    BlobPtr blob_;
  };
  BlobView read_file_view(const std::string& commit_hex, const char* name) const;
  BlobView read_tree_file_view(const std::string& tree_hex, const char* name) const;
  BlobView read_tree_file_view(const git_oid& tree, const char* name) const;

 private:
  BlobView blob_in(git_tree* tree, const char* name) const;
  TreePtr commit_tree(const std::string& commit_hex) const;

  std::string path_;
  std::shared_ptr<git_repository> repo_;
};

}  // namespace seam::git
