#include "git/config.hpp"

#include "git/handles.hpp"

namespace seam::git {

using ConfigPtr = Owned<git_config, git_config_free>;

std::optional<std::string> user_identity(const std::string& repo_path) {
  ensure_init();
  git_config* cfg = nullptr;
  RepoPtr repo;
  if (!repo_path.empty()) {
    git_repository* r = nullptr;
    if (git_repository_open_ext(&r, repo_path.c_str(), 0, nullptr) == 0) {
      repo.reset(r);
      if (git_repository_config_snapshot(&cfg, r) != 0) cfg = nullptr;
    }
  }
  if (!cfg && git_config_open_default(&cfg) != 0) return std::nullopt;
  ConfigPtr owner(cfg);
  auto get = [&](const char* key) -> std::string {
    git_buf buf = GIT_BUF_INIT;
    if (git_config_get_string_buf(&buf, cfg, key) != 0) return {};
    std::string v(buf.ptr, buf.size);
    git_buf_dispose(&buf);
    return v;
  };
  std::string name = get("user.name"), email = get("user.email");
  if (email.empty()) return std::nullopt;
  return name.empty() ? email : name + " <" + email + ">";
}

}  // namespace seam::git

namespace seam::git {

std::vector<std::string> config_values(const std::string& name, const std::string& repo_path) {
  ensure_init();
  std::vector<std::string> out;
  git_config* cfg = nullptr;
  if (!repo_path.empty()) {
    git_repository* r = nullptr;
    if (git_repository_open_ext(&r, repo_path.c_str(), 0, nullptr) == 0) {
      RepoPtr repo(r);
      if (git_repository_config_snapshot(&cfg, r) != 0) cfg = nullptr;
    }
  }
  if (!cfg && git_config_open_default(&cfg) != 0) return out;
  ConfigPtr owner(cfg);
  git_config_iterator* it = nullptr;
  if (git_config_multivar_iterator_new(&it, cfg, name.c_str(), nullptr) != 0) return out;
  Owned<git_config_iterator, git_config_iterator_free> it_owner(it);
  git_config_entry* e = nullptr;
  while (git_config_next(&e, it) == 0) out.emplace_back(e->value ? e->value : "");
  return out;
}

}  // namespace seam::git
