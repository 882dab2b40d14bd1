#include "git/rangediff.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "git/handles.hpp"
#include "git/scratch.hpp"

namespace seam::git {

namespace {

using DiffPtr = Owned<git_diff, git_diff_free>;
using PatchPtr = Owned<git_patch, git_patch_free>;

struct Side {
  std::string commit, title, patch;  // patch: normalized diff text
};

// The commit's diff against its parent, without what differs between bases
// (blob ids, line numbers), so that the same change on two bases compares equal.
Side load(git_repository* repo, const std::string& id) {
  Side s;
  s.commit = id;
  git_oid oid;
  git_commit* c = nullptr;
  if (git_oid_fromstr(&oid, id.c_str()) != 0 || git_commit_lookup(&c, repo, &oid) != 0)
    throw Error("commit " + id + ": " + last_error());
  CommitPtr commit(c);
  s.title = git_commit_summary(c) ? git_commit_summary(c) : "";
  // As git range-diff: the author and the commit message are part of what
  // is compared, indented so that they never count as diff lines.
  const git_signature* author = git_commit_author(c);
  s.patch = " ## Metadata ##\nAuthor: " + std::string(author && author->name ? author->name : "") + " <" +
            (author && author->email ? author->email : "") + ">\n\n ## Commit message ##\n";
  {
    std::istringstream msg(git_commit_message(c) ? git_commit_message(c) : "");
    std::string l;
    while (std::getline(msg, l)) s.patch += l.empty() ? "\n" : "    " + l + "\n";
    s.patch += "\n";
  }
  git_tree *t = nullptr, *pt = nullptr;
  git_commit_tree(&t, c);
  TreePtr tree(t);
  TreePtr parent_tree;
  if (git_commit_parentcount(c) > 0) {
    git_commit* p = nullptr;
    if (git_commit_parent(&p, c, 0) == 0) {
      CommitPtr parent(p);
      git_commit_tree(&pt, p);
      parent_tree.reset(pt);
    }
  }
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  git_diff* d = nullptr;
  if (git_diff_tree_to_tree(&d, repo, pt, t, &opts) != 0) throw Error("diff of " + id + ": " + last_error());
  DiffPtr diff(d);
  git_diff_find_options fo = GIT_DIFF_FIND_OPTIONS_INIT;
  fo.flags = GIT_DIFF_FIND_RENAMES;
  git_diff_find_similar(d, &fo);
  git_buf buf = GIT_BUF_INIT;
  git_diff_to_buf(&buf, d, GIT_DIFF_FORMAT_PATCH);
  std::istringstream in(std::string(buf.ptr ? buf.ptr : "", buf.size));
  git_buf_dispose(&buf);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("index ", 0) == 0) continue;
    if (line.rfind("@@ ", 0) == 0) {
      auto end = line.find(" @@", 3);
      line = "@@" + (end == std::string::npos ? std::string() : line.substr(end + 3));
    }
    s.patch += line + "\n";
  }
  return s;
}

double similarity(const std::string& a, const std::string& b) {
  std::multiset<std::string> la, lb;
  std::istringstream ia(a), ib(b);
  std::string l;
  while (std::getline(ia, l))
    if (!l.empty() && (l[0] == '+' || l[0] == '-')) la.insert(l);
  while (std::getline(ib, l))
    if (!l.empty() && (l[0] == '+' || l[0] == '-')) lb.insert(l);
  if (la.empty() && lb.empty()) return 1.0;
  std::vector<std::string> common;
  std::set_intersection(la.begin(), la.end(), lb.begin(), lb.end(), std::back_inserter(common));
  return 2.0 * static_cast<double>(common.size()) / static_cast<double>(la.size() + lb.size());
}

std::string interdiff(const Side& a, const Side& b) {
  git_patch* p = nullptr;
  git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
  if (git_patch_from_buffers(&p, a.patch.data(), a.patch.size(), "old", b.patch.data(), b.patch.size(), "new",
                             &opts) != 0)
    return {};
  PatchPtr owner(p);
  git_buf buf = GIT_BUF_INIT;
  git_patch_to_buf(&buf, p);
  std::string text(buf.ptr ? buf.ptr : "", buf.size);
  git_buf_dispose(&buf);
  // Drop the "diff --git"/---/+++ header of the synthetic files.
  auto at = text.find("\n@@");
  return at == std::string::npos ? text : text.substr(at + 1);
}

}  // namespace

std::vector<RangePair> range_diff(const std::string& repo_path, const std::vector<std::string>& old_commits,
                                  const std::vector<std::string>& new_commits) {
  std::string error;
  auto objects = Scratch::open(repo_path, error);
  if (!objects) throw Error(error);
  return range_diff(objects, old_commits, new_commits);
}

std::vector<RangePair> range_diff(const std::shared_ptr<Scratch>& objects, const std::vector<std::string>& old_commits,
                                  const std::vector<std::string>& new_commits) {
  git_repository* r = objects->repo();
  std::vector<Side> olds, news;
  for (const auto& c : old_commits) olds.push_back(load(r, c));
  for (const auto& c : new_commits) news.push_back(load(r, c));

  std::vector<int> match_of_new(news.size(), -1), match_of_old(olds.size(), -1);
  // Identical patches first, then the most similar remaining pairs (as git
  // range-diff's cost matrix would choose them), above a floor.
  for (size_t j = 0; j < news.size(); ++j)
    for (size_t i = 0; i < olds.size(); ++i)
      if (match_of_old[i] < 0 && olds[i].patch == news[j].patch) {
        match_of_new[j] = static_cast<int>(i);
        match_of_old[i] = static_cast<int>(j);
        break;
      }
  struct Cand {
    double score;
    size_t i, j;
  };
  std::vector<Cand> cands;
  for (size_t i = 0; i < olds.size(); ++i)
    for (size_t j = 0; j < news.size(); ++j)
      if (match_of_old[i] < 0 && match_of_new[j] < 0) {
        double s = similarity(olds[i].patch, news[j].patch);
        if (olds[i].title == news[j].title) s += 0.5;  // the same subject is strong evidence
        if (s >= 0.3) cands.push_back({s, i, j});
      }
  std::sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) { return a.score > b.score; });
  for (const auto& c : cands)
    if (match_of_old[c.i] < 0 && match_of_new[c.j] < 0) {
      match_of_old[c.i] = static_cast<int>(c.j);
      match_of_new[c.j] = static_cast<int>(c.i);
    }

  // The order git range-diff prints: walking both sides, an old patch
  // without a match is shown where it stood, then new patches without a
  // match, then the next pair.
  std::vector<RangePair> out;
  std::vector<char> shown(olds.size(), 0);
  size_t i = 0, j = 0;
  while (i < olds.size() || j < news.size()) {
    if (i < olds.size() && (shown[i] || match_of_old[i] < 0)) {
      if (!shown[i]) out.push_back({static_cast<int>(i + 1), 0, olds[i].commit, "", olds[i].title, '<', ""});
      ++i;
      continue;
    }
    if (j >= news.size()) break;
    RangePair p;
    p.new_pos = static_cast<int>(j + 1);
    p.new_commit = news[j].commit;
    p.title = news[j].title;
    if (match_of_new[j] < 0) {
      p.status = '>';
    } else {
      const size_t k = static_cast<size_t>(match_of_new[j]);
      shown[k] = 1;
      p.old_pos = static_cast<int>(k + 1);
      p.old_commit = olds[k].commit;
      if (olds[k].patch == news[j].patch && olds[k].title == news[j].title) {
        p.status = '=';
      } else {
        p.status = '!';
        p.interdiff = interdiff(olds[k], news[j]);
        if (olds[k].title != news[j].title)
          p.interdiff = "-subject: " + olds[k].title + "\n+subject: " + news[j].title + "\n" + p.interdiff;
      }
    }
    out.push_back(std::move(p));
    ++j;
  }
  return out;
}

}  // namespace seam::git
