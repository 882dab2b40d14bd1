// Where an unsafe item's justification is, as clippy's
// undocumented_unsafe_blocks looks for it: the `// SAFETY:` comment of a
// block or impl, the `# Safety` doc section of an unsafe fn or trait.
#pragma once

#include <tree_sitter/api.h>

#include <optional>
#include <string>
#include <vector>

#include "core/analysis/fragment.hpp"

namespace seam::core {

bool is_comment(TSNode n);

// Comments directly above `n` (attributes may sit between), nearest last.
std::vector<TSNode> comments_above(TSNode n);

struct Justification {
  std::optional<std::string> comment;
  std::string state;  // present, missing, outside-context
};

// The SAFETY comment of the unsafe block or impl `n`: above it, or above the
// statement, let, field initializer or argument that holds it. Without one,
// "outside-context" when only comments and blank lines lie between it and
// the top of a fragment that does not start the file.
Justification safety_of(TSNode n, const Fragment& f, const std::string& src, bool fragment_starts_file);

// The `# Safety` doc section of an unsafe fn or trait: "present", "missing"
// or "outside-context".
std::string safety_doc_state(TSNode item, const std::string& src, bool fragment_starts_file);

// True for a SAFETY comment that justifies nothing: empty after "SAFETY:",
// TODO, FIXME, XXX, TBD, or punctuation only ("...", "?").
bool is_placeholder(const std::string& safety_comment);

// True for a fn in `impl Trait for T`: it takes the trait's contract.
bool in_trait_impl(TSNode fn);

}  // namespace seam::core
