#include "git/objects.hpp"

#include "git/scratch.hpp"

#include <filesystem>
#include <algorithm>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

namespace seam::git {

namespace fs = std::filesystem;

void ensure_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    git_libgit2_init();
    // seam reads each object of an archive once: libgit2's object cache
    // (256 MiB by default) would only add memory and lock traffic. Packs are
    // mapped in smaller windows so that reading a whole epoch keeps a small
    // resident set; the delta-base cache of packs is separate and stays on.
    git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
    // Like git cat-file, trust the pack's own checksums instead of rehashing
    // every object read (a fifth of the cost of reading an archive).
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    // Mapped pack pages count in the resident set: 8 MiB windows, at most
    // 32 MiB mapped (96 MiB made a kbuild ingest's peak 25 MB larger for no
    // measurable speed; bench/ingest prints both).
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, size_t{8} << 20);
    git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, size_t{32} << 20);
  });
}

std::string last_error() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown libgit2 error";
}

static std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

static std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

ObjectReader::ObjectReader(const std::string& path) : path_(path) {
  ensure_init();
  git_repository* repo = nullptr;
  if (git_repository_open_ext(&repo, path.c_str(),
                              GIT_REPOSITORY_OPEN_NO_SEARCH,
                              nullptr) == 0) {
    repo_.reset(repo, git_repository_free);
    return;
  }
  // No refs/ folder (or another oddity of a copied mirror): open the object
  // database alone and resolve HEAD by hand in head().
  const fs::path objects = fs::path(path) / "objects";
  if (!fs::is_directory(objects)) throw Error(path + ": not a git repository (no objects/)");
  git_odb* odb = nullptr;
  if (git_odb_open(&odb, objects.c_str()) != 0)
    throw Error(path + ": cannot open object database: " + last_error());
  OdbPtr odb_owner(odb);
  if (git_repository_wrap_odb(&repo, odb) != 0)
    throw Error(path + ": cannot open repository: " + last_error());
  repo_.reset(repo, git_repository_free);
}

ObjectReader::ObjectReader(std::shared_ptr<Scratch> objects)
    : path_(objects->path()), repo_(objects, objects->repo()) {}

std::string ObjectReader::head() const {
  git_oid oid;
  if (git_repository_path(repo_.get()) && *git_repository_path(repo_.get()) &&
      git_reference_name_to_id(&oid, repo_.get(), "HEAD") == 0) {
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, &oid);
    return hex;
  }
  const fs::path dir(path_);
  std::string head = trim(read_text(dir / "HEAD"));
  if (head.rfind("ref: ", 0) != 0) {
    if (head.size() == GIT_OID_HEXSZ) return head;
    throw Error(path_ + ": HEAD is neither a ref nor a commit id");
  }
  const std::string ref = head.substr(5);
  if (fs::exists(dir / ref)) return trim(read_text(dir / ref));
  std::istringstream packed(read_text(dir / "packed-refs"));
  std::string line;
  while (std::getline(packed, line)) {
    if (line.size() > GIT_OID_HEXSZ + 1 && line.compare(GIT_OID_HEXSZ + 1, std::string::npos, ref) == 0)
      return line.substr(0, GIT_OID_HEXSZ);
  }
  throw Error(path_ + ": " + ref + " not found (HEAD points at it)");
}

TreePtr ObjectReader::commit_tree(const std::string& commit_hex) const {
  git_oid oid;
  git_commit* c = nullptr;
  if (git_oid_fromstr(&oid, commit_hex.c_str()) != 0 || git_commit_lookup(&c, repo_.get(), &oid) != 0) return {};
  CommitPtr commit(c);
  git_tree* t = nullptr;
  if (git_commit_tree(&t, c) != 0) return {};
  return TreePtr(t);
}

std::optional<std::string> ObjectReader::read_path(const std::string& commit_hex, const std::string& path) const {
  TreePtr tree = commit_tree(commit_hex);
  git_tree_entry* e = nullptr;
  if (!tree || git_tree_entry_bypath(&e, tree.get(), path.c_str()) != 0) return std::nullopt;
  Owned<git_tree_entry, git_tree_entry_free> entry(e);
  git_blob* b = nullptr;
  if (git_tree_entry_type(e) != GIT_OBJECT_BLOB || git_blob_lookup(&b, repo_.get(), git_tree_entry_id(e)) != 0)
    return std::nullopt;
  BlobPtr blob(b);
  return std::string(static_cast<const char*>(git_blob_rawcontent(b)), static_cast<size_t>(git_blob_rawsize(b)));
}

void ObjectReader::for_each_file(const std::string& commit_hex, const std::string& dir, const std::string& suffix,
                                 const std::function<void(const std::string&, std::string_view)>& fn) const {
  TreePtr root = commit_tree(commit_hex);
  git_tree_entry* e = nullptr;
  if (!root || git_tree_entry_bypath(&e, root.get(), dir.c_str()) != 0) return;
  Owned<git_tree_entry, git_tree_entry_free> entry(e);
  git_tree* t = nullptr;
  if (git_tree_entry_type(e) != GIT_OBJECT_TREE || git_tree_lookup(&t, repo_.get(), git_tree_entry_id(e)) != 0) return;
  TreePtr tree(t);
  struct Walk {
    const ObjectReader* self;
    const std::string& dir;
    const std::string& suffix;
    const std::function<void(const std::string&, std::string_view)>& fn;
  } walk{this, dir, suffix, fn};
  git_tree_walk(
      t, GIT_TREEWALK_PRE,
      [](const char* root_path, const git_tree_entry* entry, void* payload) -> int {
        auto* w = static_cast<Walk*>(payload);
        if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB) return 0;
        std::string name = git_tree_entry_name(entry);
        if (name.size() < w->suffix.size() || name.compare(name.size() - w->suffix.size(), w->suffix.size(), w->suffix) != 0)
          return 0;
        git_blob* b = nullptr;
        if (git_blob_lookup(&b, w->self->repo_.get(), git_tree_entry_id(entry)) != 0) return 0;
        BlobPtr blob(b);
        w->fn(w->dir + "/" + root_path + name,
              {static_cast<const char*>(git_blob_rawcontent(b)), static_cast<size_t>(git_blob_rawsize(b))});
        return 0;
      },
      &walk);
}

bool ObjectReader::has(const std::string& oid_hex) const {
  git_oid oid;
  if (git_oid_fromstrn(&oid, oid_hex.data(), oid_hex.size()) != 0) return false;
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, repo_.get()) != 0) return false;
  OdbPtr owner(odb);
  return git_odb_exists(odb, &oid) == 1;
}

std::string ObjectReader::CommitTree::commit_hex() const {
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &commit);
  return hex;
}

std::vector<ObjectReader::CommitTree> ObjectReader::first_parent_line(const std::string& tip,
                                                                      const std::string& since) const {
  git_odb* o = nullptr;
  if (git_repository_odb(&o, repo_.get()) != 0) throw Error(path_ + ": " + last_error());
  OdbPtr odb(o);
  git_oid stop{};
  const bool has_stop = since.size() == GIT_OID_HEXSZ && git_oid_fromstrn(&stop, since.data(), since.size()) == 0;
  git_oid at;
  if (git_oid_fromstrn(&at, tip.data(), tip.size()) != 0 || tip.size() != GIT_OID_HEXSZ)
    throw Error(path_ + ": " + tip + " is not a commit id");
  std::vector<CommitTree> out;
  for (bool more = true; more && !(has_stop && git_oid_equal(&at, &stop));) {
    git_odb_object* obj = nullptr;
    if (git_odb_read(&obj, o, &at) != 0) {
      if (out.empty()) throw Error(path_ + ": cannot read commit " + tip + ": " + last_error());
      break;  // history beyond here is not in this mirror
    }
    OdbObjectPtr owner(obj);
    if (git_odb_object_type(obj) != GIT_OBJECT_COMMIT) {
      char hex[GIT_OID_HEXSZ + 1];
      git_oid_tostr(hex, sizeof hex, &at);
      throw Error(path_ + ": " + hex + " is not a commit");
    }
    std::string_view raw(static_cast<const char*>(git_odb_object_data(obj)), git_odb_object_size(obj));
    CommitTree ct{at, {}};
    bool has_tree = false;
    more = false;
    // "tree <hex>\nparent <hex>\n…" up to the first empty line.
    for (size_t i = 0; i < raw.size();) {
      size_t nl = raw.find('\n', i);
      std::string_view line = raw.substr(i, (nl == std::string_view::npos ? raw.size() : nl) - i);
      if (line.empty()) break;
      if (line.substr(0, 5) == "tree " && line.size() >= 5 + GIT_OID_HEXSZ)
        has_tree = git_oid_fromstrn(&ct.tree, line.data() + 5, GIT_OID_HEXSZ) == 0;
      else if (line.substr(0, 7) == "parent " && !more && line.size() >= 7 + GIT_OID_HEXSZ)
        more = git_oid_fromstrn(&at, line.data() + 7, GIT_OID_HEXSZ) == 0;
      if (nl == std::string_view::npos) break;
      i = nl + 1;
    }
    if (!has_tree) std::memset(&ct.tree, 0, sizeof ct.tree);  // read as a missing tree
    out.push_back(ct);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

ObjectReader::FileRead ObjectReader::read_file(const std::string& commit_hex, const char* name) const {
  FileRead r;
  BlobView v = read_file_view(commit_hex, name);
  r.absent = v.absent;
  r.error = std::move(v.error);
  if (v.ok()) r.data.emplace(v.data());
  return r;
}

ObjectReader::BlobView ObjectReader::read_tree_file_view(const std::string& tree_hex, const char* name) const {
  BlobView r;
  git_oid oid;
  git_tree* t = nullptr;
  if (git_oid_fromstr(&oid, tree_hex.c_str()) != 0 || git_tree_lookup(&t, repo_.get(), &oid) != 0) {
    r.error = "tree " + tree_hex + " missing: " + last_error();
    return r;
  }
  TreePtr tree(t);
  return blob_in(t, name);
}

ObjectReader::BlobView ObjectReader::read_tree_file_view(const git_oid& tree, const char* name) const {
  git_tree* t = nullptr;
  if (git_tree_lookup(&t, repo_.get(), &tree) != 0) {
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, &tree);
    BlobView r;
    r.error = std::string("tree ") + hex + " missing: " + last_error();
    return r;
  }
  TreePtr owner(t);
  return blob_in(t, name);
}

ObjectReader::BlobView ObjectReader::blob_in(git_tree* t, const char* name) const {
  BlobView r;
  const git_tree_entry* e = git_tree_entry_byname(t, name);
  if (!e) {
    r.absent = true;
    r.error = std::string("no '") + name + "' in the commit's tree";
    return r;
  }
  git_blob* b = nullptr;
  if (git_blob_lookup(&b, repo_.get(), git_tree_entry_id(e)) != 0) {
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, git_tree_entry_id(e));
    r.error = std::string("blob ") + hex + " missing (partial clone?)";
    return r;
  }
  r.blob_.reset(b);
  return r;
}

ObjectReader::BlobView ObjectReader::read_file_view(const std::string& commit_hex, const char* name) const {
  BlobView r;
  git_oid oid;
  if (git_oid_fromstr(&oid, commit_hex.c_str()) != 0) {
    r.error = "not a commit id";
    return r;
  }
  git_commit* c = nullptr;
  if (git_commit_lookup(&c, repo_.get(), &oid) != 0) {
    r.error = "commit missing: " + last_error();
    return r;
  }
  CommitPtr commit(c);
  git_tree* t = nullptr;
  if (git_commit_tree(&t, c) != 0) {
    r.error = "tree missing: " + last_error();
    return r;
  }
  TreePtr tree(t);
  return blob_in(t, name);
}

}  // namespace seam::git
