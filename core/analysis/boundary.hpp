// The Rust/C boundary of a kernel tree, as a repository shows it: the C
// names Rust code uses through `bindings::`, and the headers that
// rust/bindings/bindings_helper.h includes (bindgen reads them, so a change
// to one is a change to the glue as much as rust/helpers/ is).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seam::core {

// `bindings::NAME` in Rust source: each NAME with its 1-based line, in
// order. Read from tree-sitter's tokens, so comments and strings do not
// count; macro bodies and `use …::bindings::{a, b}` lists do.
std::vector<std::pair<std::string, int>> bindings_names(std::string_view rust_source);

// The #include targets of a C file as written: "linux/pci.h" for
// <linux/pci.h> and "helpers.h" for "helpers.h".
std::vector<std::string> c_includes(std::string_view c_source);

struct BindingsUse {
  std::string path;  // the Rust file of the first use seen
  int line = 0;
};

class Boundary {
 public:
  // Records the bindings:: uses of one Rust file (the first use of a name wins).
  void add_rust_file(const std::string& path, std::string_view source);
  // Records what bindings_helper.h includes.
  void add_bindings_helper(std::string_view source);

  // Where Rust uses the C name `name` through bindings::, or nullptr. A
  // rust/helpers function rust_helper_X is bindings::X on the Rust side.
  const BindingsUse* use_of(const std::string& name) const;
  // True for a header that bindings_helper.h includes: include/X,
  // include/uapi/X and arch/*/include/{,uapi/}X for <X>.
  bool is_bindings_header(const std::string& path) const;

  size_t names() const { return uses_.size(); }
  size_t headers() const { return includes_.size(); }

 private:
  std::map<std::string, BindingsUse, std::less<>> uses_;
  std::set<std::string, std::less<>> includes_;
};

}  // namespace seam::core
