#include "git/apply.hpp"

#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "git/handles.hpp"
#include "git/patchid.hpp"

namespace seam::git {

namespace {

using DiffPtr = Owned<git_diff, git_diff_free>;
using IndexPtr = Owned<git_index, git_index_free>;
using SigPtr = Owned<git_signature, git_signature_free>;
using RefPtr = Owned<git_reference, git_reference_free>;
using ObjectPtr = Owned<git_object, git_object_free>;

std::string hex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

// The pre-image blob ids a patch names on its "index abc123..def456" lines,
// by path: the evidence for guessing a base. Paths the patch creates (or
// renames to) go to `created`: later patches' pre-images of them cannot be
// in the base.
std::map<std::string, std::string> preimage_blobs(const std::string& diff, std::set<std::string>& created) {
  std::map<std::string, std::string> out;
  std::istringstream in(diff);
  std::string line, path;
  while (std::getline(in, line)) {
    if (line.rfind("diff --git a/", 0) == 0) {
      auto b = line.find(" b/");
      path = b == std::string::npos ? "" : line.substr(13, b - 13);
    } else if (line.rfind("index ", 0) == 0 && !path.empty()) {
      auto dots = line.find("..");
      if (dots == std::string::npos) continue;
      std::string pre = line.substr(6, dots - 6);
      if (pre.find_first_not_of('0') != std::string::npos) out[path] = pre;  // 0000… is a new file
      else created.insert(path);
    } else if (line.rfind("rename to ", 0) == 0 || line.rfind("copy to ", 0) == 0) {
      created.insert(line.substr(line.find(" to ") + 4));
    }
  }
  return out;
}

struct Tracker {
  std::string path;
  std::string hunk;
};

int on_delta(const git_diff_delta* d, void* payload) {
  auto* t = static_cast<Tracker*>(payload);
  t->path = d->new_file.path ? d->new_file.path : (d->old_file.path ? d->old_file.path : "");
  t->hunk.clear();
  return 0;
}

int on_hunk(const git_diff_hunk* h, void* payload) {
  auto* t = static_cast<Tracker*>(payload);
  t->hunk.assign(h->header, h->header_len);
  while (!t->hunk.empty() && (t->hunk.back() == '\n' || t->hunk.back() == '\r')) t->hunk.pop_back();
  return 0;
}

class Applier {
 public:
  explicit Applier(git_repository* repo) : repo_(repo) {}

  // Resolves the base commit and says why.
  bool resolve_base(const std::vector<PatchInput>& patches, const BaseHints& hints, int max_search,
                    ApplyResult& r) {
    git_oid oid;
    auto commit_of = [&](const std::string& rev, git_oid& out) {
      git_object* obj = nullptr;
      if (git_revparse_single(&obj, repo_, rev.c_str()) != 0) return false;
      ObjectPtr owner(obj);
      git_object* peeled = nullptr;
      if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) != 0) return false;
      git_oid_cpy(&out, git_object_id(peeled));
      git_object_free(peeled);
      return true;
    };
    if (!hints.override_rev.empty()) {
      if (!commit_of(hints.override_rev, oid)) {
        r.error = "--base " + hints.override_rev + ": no such commit: " + last_error();
        return false;
      }
      r.base = hex(oid);
      r.base_reason = "option";
      return true;
    }
    // The series applies on top of other patches: the newest commit on
    // HEAD's first-parent line whose patch id is the last prerequisite.
    if (!hints.prerequisites.empty()) {
      std::set<std::string> want;
      std::istringstream in(hints.prerequisites);
      for (std::string w; in >> w;) want.insert(w);
      git_oid head;
      git_revwalk* w = nullptr;
      if (git_reference_name_to_id(&head, repo_, "HEAD") == 0 && git_revwalk_new(&w, repo_) == 0) {
        RevwalkPtr walk(w);
        git_revwalk_simplify_first_parent(w);
        git_revwalk_push(w, &head);
        std::optional<git_oid> newest;
        std::set<std::string> found;
        for (int n = 0; n < max_search && found.size() < want.size() && git_revwalk_next(&oid, w) == 0; ++n) {
          for (bool renames : {true, false}) {
            std::string id = commit_patch_id(repo_, oid, renames);
            if (!want.count(id)) continue;
            if (!newest) newest = oid;
            found.insert(id);
            break;
          }
        }
        if (newest && found.size() == want.size()) {
          r.base = hex(*newest);
          r.base_reason = "prerequisite-patch-id";
          return true;
        }
      }
    }
    if (!hints.base_commit.empty() && commit_of(hints.base_commit, oid)) {
      r.base = hex(oid);
      r.base_reason = "base-commit";
      return true;
    }
    // The newest commit (first-parent from HEAD, bounded) in which every
    // pre-image blob the first patches name exists at its path.
    std::map<std::string, std::string> want;
    std::set<std::string> created;
    for (const auto& p : patches) {
      std::set<std::string> made;
      for (const auto& [path, blob] : preimage_blobs(p.diff, made))
        if (!want.count(path) && !created.count(path)) want[path] = blob;
      created.insert(made.begin(), made.end());
    }
    git_oid head;
    const bool has_head = git_reference_name_to_id(&head, repo_, "HEAD") == 0;
    if (!want.empty() && has_head) {
      git_revwalk* w = nullptr;
      if (git_revwalk_new(&w, repo_) == 0) {
        RevwalkPtr walk(w);
        git_revwalk_simplify_first_parent(w);
        git_revwalk_push(w, &head);
        for (int n = 0; n < max_search && git_revwalk_next(&oid, w) == 0; ++n) {
          git_commit* c = nullptr;
          if (git_commit_lookup(&c, repo_, &oid) != 0) continue;
          CommitPtr commit(c);
          git_tree* t = nullptr;
          if (git_commit_tree(&t, c) != 0) continue;
          TreePtr tree(t);
          bool all = true;
          for (const auto& [path, blob] : want) {
            git_tree_entry* e = nullptr;
            if (git_tree_entry_bypath(&e, t, path.c_str()) != 0) {
              all = false;
              break;
            }
            std::string id = hex(*git_tree_entry_id(e));
            git_tree_entry_free(e);
            if (id.compare(0, blob.size(), blob) != 0) {
              all = false;
              break;
            }
          }
          if (all) {
            r.base = hex(oid);
            r.base_reason = "blob-guess";
            return true;
          }
        }
      }
    }
    if (!has_head) {
      r.error = "the repository has no HEAD to apply on (pass --base)";
      return false;
    }
    r.base = hex(head);
    r.base_reason = "HEAD";
    return true;
  }

  // Applies one patch on `parent`; returns the new commit or sets `fail`.
  std::optional<git_oid> apply_one(const PatchInput& p, const git_oid& parent, ApplyFailure& fail) {
    fail.id = p.id;
    git_diff* d = nullptr;
    if (p.diff.empty()) {
      fail.reason = "no diff in the message";
      return std::nullopt;
    }
    if (git_diff_from_buffer(&d, p.diff.data(), p.diff.size()) != 0) {
      fail.reason = "the patch cannot be parsed: " + last_error();
      return std::nullopt;
    }
    DiffPtr diff(d);
    const size_t n = git_diff_num_deltas(d);
    for (size_t i = 0; i < n; ++i) {
      const git_diff_delta* delta = git_diff_get_delta(d, i);
      for (const char* path : {delta->old_file.path, delta->new_file.path}) {
        if (!path) continue;
        std::string why = unsafe_path_reason(path);
        if (!why.empty()) {
          fail.path = path;
          fail.reason = why;
          return std::nullopt;
        }
      }
      if ((delta->flags & GIT_DIFF_FLAG_BINARY) != 0) {
        git_patch* patch = nullptr;
        // A binary delta without data ("Binary files differ") cannot be applied.
        if (git_patch_from_diff(&patch, d, i) == 0) {
          Owned<git_patch, git_patch_free> owner(patch);
          if (git_patch_num_hunks(patch) == 0 && p.diff.find("GIT binary patch") == std::string::npos) {
            fail.path = delta->new_file.path ? delta->new_file.path : "";
            fail.reason = "binary patch without data";
            return std::nullopt;
          }
        }
      }
    }
    git_commit* pc = nullptr;
    if (git_commit_lookup(&pc, repo_, &parent) != 0) {
      fail.reason = "base commit missing: " + last_error();
      return std::nullopt;
    }
    CommitPtr parent_commit(pc);
    git_tree* pt = nullptr;
    git_commit_tree(&pt, pc);
    TreePtr parent_tree(pt);

    // git_apply_to_tree reads the whole pre-image into an index and the
    // result would be written back whole: on a kernel-sized tree that is
    // most of the cost. Apply on a small tree holding only the files the
    // patch touches, then splice the results into the full tree.
    std::set<std::string> paths;
    for (size_t i = 0; i < n; ++i) {
      const git_diff_delta* delta = git_diff_get_delta(d, i);
      if (delta->old_file.path) paths.insert(delta->old_file.path);
      if (delta->new_file.path) paths.insert(delta->new_file.path);
    }
    std::vector<git_tree_update> pre;
    std::set<std::string> existed;
    for (const auto& path : paths) {
      git_tree_entry* e = nullptr;
      if (git_tree_entry_bypath(&e, pt, path.c_str()) != 0) continue;
      Owned<git_tree_entry, git_tree_entry_free> owner(e);
      if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) continue;
      git_tree_update u{};
      u.action = GIT_TREE_UPDATE_UPSERT;
      git_oid_cpy(&u.id, git_tree_entry_id(e));
      u.filemode = git_tree_entry_filemode(e);
      u.path = existed.insert(path).first->c_str();
      pre.push_back(u);
    }
    git_oid mini_oid;
    if (git_tree_create_updated(&mini_oid, repo_, empty_tree(), pre.size(), pre.data()) != 0) {
      fail.reason = "cannot prepare the pre-image: " + last_error();
      return std::nullopt;
    }
    git_tree* mt = nullptr;
    git_tree_lookup(&mt, repo_, &mini_oid);
    TreePtr mini(mt);

    Tracker track;
    git_apply_options ao = GIT_APPLY_OPTIONS_INIT;
    ao.delta_cb = on_delta;
    ao.hunk_cb = on_hunk;
    ao.payload = &track;
    git_index* idx = nullptr;
    if (git_apply_to_tree(&idx, repo_, mt, d, &ao) != 0) {
      const std::string msg = last_error();
      fail.path = track.path;
      fail.hunk = track.hunk;
      fail.reason = classify_failure(msg, d, mt);
      return std::nullopt;
    }
    IndexPtr index(idx);
    std::vector<git_tree_update> post;
    for (const auto& path : paths) {
      const git_index_entry* ie = git_index_get_bypath(idx, path.c_str(), 0);
      git_tree_update u{};
      u.path = path.c_str();
      if (ie) {
        u.action = GIT_TREE_UPDATE_UPSERT;
        git_oid_cpy(&u.id, &ie->id);
        u.filemode = static_cast<git_filemode_t>(ie->mode);
      } else if (existed.count(path)) {
        u.action = GIT_TREE_UPDATE_REMOVE;
      } else {
        continue;
      }
      post.push_back(u);
    }
    git_oid tree_oid;
    if (git_tree_create_updated(&tree_oid, repo_, pt, post.size(), post.data()) != 0) {
      fail.reason = "cannot write tree: " + last_error();
      return std::nullopt;
    }
    git_tree* nt = nullptr;
    git_tree_lookup(&nt, repo_, &tree_oid);
    TreePtr new_tree(nt);
    git_signature* author = nullptr;
    if (git_signature_new(&author, p.author_name.empty() ? p.author_email.c_str() : p.author_name.c_str(),
                          p.author_email.c_str(), p.date, p.tz_minutes) != 0) {
      fail.reason = "bad author: " + last_error();
      return std::nullopt;
    }
    SigPtr author_owner(author);
    git_signature* committer = nullptr;
    if (git_signature_default(&committer, repo_) != 0 &&
        git_signature_now(&committer, "seam", "seam@localhost") != 0) {
      fail.reason = "no committer identity: " + last_error();
      return std::nullopt;
    }
    SigPtr committer_owner(committer);
    git_oid commit_oid;
    const git_commit* parents[] = {pc};
    if (git_commit_create(&commit_oid, repo_, nullptr, author, committer, "UTF-8", p.message.c_str(), nt, 1,
                          parents) != 0) {
      fail.reason = "cannot create commit: " + last_error();
      return std::nullopt;
    }
    return commit_oid;
  }

 private:
  // The empty tree, made once per repository.
  git_tree* empty_tree() {
    if (!empty_) {
      git_treebuilder* tb = nullptr;
      git_oid oid;
      git_tree* t = nullptr;
      if (git_treebuilder_new(&tb, repo_, nullptr) == 0) {
        if (git_treebuilder_write(&oid, tb) == 0) git_tree_lookup(&t, repo_, &oid);
        git_treebuilder_free(tb);
      }
      empty_.reset(t);
    }
    return empty_.get();
  }

  std::string classify_failure(const std::string& msg, git_diff* d, git_tree* tree) {
    // Already applied: the reverse of the patch applies cleanly.
    git_diff* rev = nullptr;
    git_buf buf = GIT_BUF_INIT;
    if (git_diff_to_buf(&buf, d, GIT_DIFF_FORMAT_PATCH) == 0) {
      std::string text(buf.ptr, buf.size);
      git_buf_dispose(&buf);
      std::string reversed = reverse_patch(text);
      if (!reversed.empty() && git_diff_from_buffer(&rev, reversed.data(), reversed.size()) == 0) {
        DiffPtr owner(rev);
        git_apply_options ao = GIT_APPLY_OPTIONS_INIT;
        ao.flags = GIT_APPLY_CHECK;
        git_index* idx = nullptr;
        if (git_apply_to_tree(&idx, repo_, tree, rev, &ao) == 0) {
          git_index_free(idx);
          return "already applied";
        }
      }
    }
    if (msg.find("does not exist") != std::string::npos || msg.find("not found") != std::string::npos)
      return "file missing";
    if (msg.find("already exists") != std::string::npos) return "file already exists";
    if (msg.find("hunk") != std::string::npos || msg.find("does not apply") != std::string::npos ||
        msg.find("did not apply") != std::string::npos)
      return "context does not match";
    return msg;
  }

  // Swaps old and new sides of a unified diff (enough for the
  // already-applied test on text patches).
  static std::string reverse_patch(const std::string& text) {
    std::istringstream in(text);
    std::string line, out;
    while (std::getline(in, line)) {
      if (line.rfind("GIT binary patch", 0) == 0) return {};
      // File names stay: libgit2 checks them against the "diff --git" line.
      if (line.rfind("--- ", 0) == 0 || line.rfind("+++ ", 0) == 0) {
        out += line + "\n";
        continue;
      }
      if (line.rfind("@@ -", 0) == 0) {
        auto plus = line.find(" +");
        auto end = line.find(" @@", plus);
        if (plus == std::string::npos || end == std::string::npos) return {};
        out += "@@ -" + line.substr(plus + 2, end - plus - 2) + " +" + line.substr(4, plus - 4) + line.substr(end) + "\n";
        continue;
      }
      if (line.rfind("new file mode", 0) == 0) line = "deleted file mode" + line.substr(13);
      else if (line.rfind("deleted file mode", 0) == 0) line = "new file mode" + line.substr(17);
      else if (!line.empty() && line[0] == '+' ) line[0] = '-';
      else if (!line.empty() && line[0] == '-') line[0] = '+';
      else if (line.rfind("index ", 0) == 0) continue;
      out += line + "\n";
    }
    return out;
  }

  git_repository* repo_;
  TreePtr empty_;
};

}  // namespace

std::string unsafe_path_reason(const std::string& path) {
  if (path.empty()) return "empty path";
  if (path[0] == '/') return "absolute path " + path + " would escape the repository";
  std::string comp;
  std::istringstream in(path);
  while (std::getline(in, comp, '/')) {
    if (comp == "..") return "path " + path + " would escape the repository (..)";
    std::string lower;
    for (char c : comp) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == ".git") return "path " + path + " is inside .git";
  }
  if (path.find('\0') != std::string::npos) return "path with a NUL byte";
  return {};
}

ApplyResult apply_patches(const std::string& repo_path, const std::vector<PatchInput>& patches,
                          const BaseHints& hints, const ApplyOptions& opts) {
  ensure_init();
  ApplyResult r;
  git_repository* repo = nullptr;
  if (git_repository_open_ext(&repo, repo_path.c_str(), 0, nullptr) != 0) {
    r.error = repo_path + ": not a git repository: " + last_error();
    return r;
  }
  RepoPtr repo_owner(repo);
  Applier applier(repo);
  if (!applier.resolve_base(patches, hints, opts.max_base_search, r)) return r;
  // Refuse unsafe paths of any patch before anything is written.
  for (const auto& p : patches) {
    std::istringstream in(p.diff);
    std::string line;
    while (std::getline(in, line)) {
      while (!line.empty() && (line.back() == '\r' || line.back() == '\t')) line.pop_back();
      std::string path;
      for (const char* pre : {"--- a/", "+++ b/", "rename from ", "rename to ", "copy from ", "copy to "})
        if (line.rfind(pre, 0) == 0) path = line.substr(std::string(pre).size());
      if (line.rfind("--- /", 0) == 0 && line != "--- /dev/null") path = line.substr(4);
      if (line.rfind("+++ /", 0) == 0 && line != "+++ /dev/null") path = line.substr(4);
      if (line.rfind("diff --git ", 0) == 0) {
        // "diff --git a/x b/y": both names.
        auto b = line.find(" b/");
        if (line.compare(11, 2, "a/") != 0 || b == std::string::npos) path = line.substr(11);
        else for (const auto& part : {line.substr(13, b - 13), line.substr(b + 3)}) {
          std::string why = unsafe_path_reason(part);
          if (!why.empty()) {
            r.failed = ApplyFailure{p.id, part, "", why};
            return r;
          }
        }
      }
      if (!path.empty()) {
        std::string why = unsafe_path_reason(path);
        if (!why.empty()) {
          r.failed = ApplyFailure{p.id, path, "", why};
          return r;
        }
      }
    }
  }

  git_oid tip;
  git_oid_fromstr(&tip, r.base.c_str());
  for (const auto& p : patches) {
    ApplyFailure fail;
    auto c = applier.apply_one(p, tip, fail);
    if (!c) {
      r.failed = fail;
      break;
    }
    tip = *c;
    r.applied.emplace_back(p.id, hex(tip));
  }
  if (r.failed && !opts.partial) return r;
  if (r.applied.empty() || !opts.write_branch) return r;
  const std::string ref = "refs/heads/" + opts.branch;
  git_reference* out = nullptr;
  if (git_reference_create(&out, repo, ref.c_str(), &tip, 1, "seam apply") != 0) {
    r.error = "cannot write branch " + opts.branch + ": " + last_error();
    return r;
  }
  RefPtr ref_owner(out);
  r.branch = opts.branch;
  if (opts.checkout) {
    git_object* obj = nullptr;
    git_object_lookup(&obj, repo, &tip, GIT_OBJECT_COMMIT);
    ObjectPtr owner(obj);
    git_checkout_options co = GIT_CHECKOUT_OPTIONS_INIT;
    co.checkout_strategy = GIT_CHECKOUT_SAFE;
    if (git_checkout_tree(repo, obj, &co) != 0 || git_repository_set_head(repo, ref.c_str()) != 0)
      r.error = "branch " + opts.branch + " written, but checkout failed: " + last_error();
  }
  return r;
}

}  // namespace seam::git
