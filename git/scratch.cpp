#include "git/scratch.hpp"

#include <git2/sys/mempack.h>

namespace seam::git {

std::shared_ptr<Scratch> Scratch::open(const std::string& path, std::string& error) {
  ensure_init();
  git_repository* r = nullptr;
  if (git_repository_open_ext(&r, path.c_str(), 0, nullptr) != 0) {
    error = path + ": not a git repository: " + last_error();
    return nullptr;
  }
  std::shared_ptr<Scratch> s(new Scratch);
  s->path_ = path;
  s->repo_.reset(r);
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, r) != 0) {
    error = path + ": cannot open the object database: " + last_error();
    return nullptr;
  }
  OdbPtr odb_owner(odb);
  git_odb_backend* mem = nullptr;
  // Above the loose (1) and packed (2) backends: every write lands here.
  if (git_mempack_new(&mem) != 0 || git_odb_add_backend(odb, mem, 1000) != 0) {
    error = path + ": cannot add an in-memory object store: " + last_error();
    return nullptr;
  }
  s->mempack_ = mem;
  return s;
}

std::string Scratch::publish() {
  git_buf pack = GIT_BUF_INIT;
  if (git_mempack_dump(&pack, repo_.get(), mempack_) != 0) return "cannot pack the new objects: " + last_error();
  std::string error;
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, repo_.get()) != 0) {
    git_buf_dispose(&pack);
    return "cannot open the object database: " + last_error();
  }
  OdbPtr odb_owner(odb);
  git_odb_writepack* wp = nullptr;
  git_indexer_progress stats{};
  if (git_odb_write_pack(&wp, odb, nullptr, nullptr) != 0) {
    error = "cannot write a pack: " + last_error();
  } else {
    if (wp->append(wp, pack.ptr, pack.size, &stats) != 0 || wp->commit(wp, &stats) != 0)
      error = "cannot write a pack: " + last_error();
    wp->free(wp);
  }
  git_buf_dispose(&pack);
  return error;
}

}  // namespace seam::git
