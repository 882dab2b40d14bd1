#include "git/hash.hpp"

#include "git/handles.hpp"

namespace seam::git {

std::string hash_bytes(std::string_view data) {
  ensure_init();
  git_oid oid;
  git_odb_hash(&oid, data.data(), data.size(), GIT_OBJECT_BLOB);
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &oid);
  return hex;
}

}  // namespace seam::git
