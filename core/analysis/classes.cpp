#include "core/analysis/classes.hpp"

namespace seam::core {

namespace {
bool starts(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }
bool ends(const std::string& s, const std::string& e) {
  return s.size() >= e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0;
}
std::string base(const std::string& p) {
  auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}
}  // namespace

std::string classify_path(const std::string& path, const Boundary* boundary) {
  const std::string b = base(path);
  // The boundary first: C written for Rust's sake.
  if (starts(path, "rust/helpers/") || starts(path, "rust/bindings/") || starts(path, "rust/uapi/"))
    return "rust-c-glue";
  if (ends(path, ".rs")) return "rust";
  if (path == "MAINTAINERS") return "maintainers";
  if (starts(b, "Kconfig") || starts(b, "Makefile") || b == "Kbuild" || ends(b, ".mk") || b == "Cargo.toml" ||
      b == "Cargo.lock" || b == "meson.build" || b == "meson_options.txt" || b == "CMakeLists.txt")
    return "build";
  if (starts(path, "Documentation/devicetree/") || ends(path, ".dts") || ends(path, ".dtsi") ||
      ends(path, ".dtso"))
    return "devicetree";
  if (starts(path, "Documentation/") || ends(path, ".rst") || ends(path, ".md") || ends(path, ".txt"))
    return "docs";
  if (ends(path, ".h")) return boundary && boundary->is_bindings_header(path) ? "rust-c-glue" : "c-header";
  if (ends(path, ".c")) return "c";
  return "other";
}

}  // namespace seam::core
