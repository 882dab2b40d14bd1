#include "git/patchid.hpp"

#include <glib.h>

#include <array>
#include <cctype>
#include <cstdio>

#include "git/handles.hpp"

namespace seam::git {

namespace {

using DiffPtr = Owned<git_diff, git_diff_free>;

// Accumulates git's stable patch id: one SHA-1 per file, added bytewise with
// carry into the result (git's flush_one_hunk), so file order does not matter.
class PatchIdBuilder {
 public:
  PatchIdBuilder() : ctx_(g_checksum_new(G_CHECKSUM_SHA1)) { result_.fill(0); }
  ~PatchIdBuilder() { g_checksum_free(ctx_); }
  PatchIdBuilder(const PatchIdBuilder&) = delete;
  PatchIdBuilder& operator=(const PatchIdBuilder&) = delete;

  void line(std::string_view l) {
    std::string kept;
    for (char c : l)
      if (!std::isspace(static_cast<unsigned char>(c))) kept += c;
    if (kept.empty()) return;
    g_checksum_update(ctx_, reinterpret_cast<const guchar*>(kept.data()), static_cast<gssize>(kept.size()));
    any_ = true;
  }
  void flush_file() {
    if (!any_) return;
    guint8 digest[20];
    gsize len = sizeof digest;
    g_checksum_get_digest(ctx_, digest, &len);
    unsigned carry = 0;
    for (size_t i = 0; i < 20; ++i) {
      carry += result_[i] + digest[i];
      result_[i] = static_cast<unsigned char>(carry);
      carry >>= 8;
    }
    g_checksum_reset(ctx_);
    any_ = false;
    total_ = true;
  }
  std::string hex() {
    flush_file();
    if (!total_) return {};
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char b : result_) {
      out += digits[b >> 4];
      out += digits[b & 15];
    }
    return out;
  }

 private:
  GChecksum* ctx_;
  std::array<unsigned char, 20> result_{};
  bool any_ = false, total_ = false;
};

}  // namespace

std::string commit_patch_id(git_repository* repo, const git_oid& commit_id, bool renames) {
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, repo, &commit_id) != 0) return {};
  CommitPtr commit(c);
  git_tree *t = nullptr, *pt = nullptr;
  if (git_commit_tree(&t, c) != 0) return {};
  TreePtr tree(t);
  TreePtr parent_tree;
  if (git_commit_parentcount(c) > 0) {
    git_commit* p = nullptr;
    if (git_commit_parent(&p, c, 0) != 0) return {};
    CommitPtr parent(p);
    if (git_commit_tree(&pt, p) != 0) return {};
    parent_tree.reset(pt);
  }
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  git_diff* d = nullptr;
  if (git_diff_tree_to_tree(&d, repo, pt, t, &opts) != 0) return {};
  DiffPtr diff(d);
  if (renames) {
    git_diff_find_options fo = GIT_DIFF_FIND_OPTIONS_INIT;
    fo.flags = GIT_DIFF_FIND_RENAMES;
    git_diff_find_similar(d, &fo);
  }
  // What git's diff_get_patch_id hashes (the id format-patch writes), per
  // file: the names, a new or deleted file's mode, the ---/+++ names, then
  // the diff lines, or for binary files both blob ids.
  PatchIdBuilder b;
  const size_t n = git_diff_num_deltas(d);
  for (size_t i = 0; i < n; ++i) {
    git_patch* p = nullptr;
    if (git_patch_from_diff(&p, d, i) != 0 || !p) continue;
    Owned<git_patch, git_patch_free> patch(p);
    const git_diff_delta* delta = git_patch_get_delta(p);
    if (delta->status == GIT_DELTA_UNMODIFIED) continue;
    const std::string a = delta->old_file.path ? delta->old_file.path : "";
    const std::string bp = delta->new_file.path ? delta->new_file.path : "";
    char mode[16];
    std::string head = "diff--gita/" + a + "b/" + bp;
    if (delta->status == GIT_DELTA_ADDED) {
      std::snprintf(mode, sizeof mode, "%06o", static_cast<unsigned>(delta->new_file.mode));
      head += std::string("newfilemode") + mode + "---/dev/null+++b/" + bp;
    } else if (delta->status == GIT_DELTA_DELETED) {
      std::snprintf(mode, sizeof mode, "%06o", static_cast<unsigned>(delta->old_file.mode));
      head += std::string("deletedfilemode") + mode + "---a/" + a + "+++/dev/null";
    } else {
      head += "---a/" + a + "+++b/" + bp;
    }
    b.line(head);
    if (delta->flags & GIT_DIFF_FLAG_BINARY) {
      char x[GIT_OID_HEXSZ + 1], y[GIT_OID_HEXSZ + 1];
      git_oid_tostr(x, sizeof x, &delta->old_file.id);
      git_oid_tostr(y, sizeof y, &delta->new_file.id);
      b.line(std::string(x) + y);
    } else {
      for (size_t h = 0; h < git_patch_num_hunks(p); ++h) {
        const int lines = git_patch_num_lines_in_hunk(p, h);
        for (int l = 0; l < lines; ++l) {
          const git_diff_line* line = nullptr;
          if (git_patch_get_line_in_hunk(&line, p, h, static_cast<size_t>(l)) != 0) continue;
          if (line->origin != GIT_DIFF_LINE_CONTEXT && line->origin != GIT_DIFF_LINE_ADDITION &&
              line->origin != GIT_DIFF_LINE_DELETION)
            continue;
          std::string text(1, line->origin);
          text.append(line->content, line->content_len);
          b.line(text);
        }
      }
    }
    b.flush_file();
  }
  return b.hex();
}

}  // namespace seam::git
