#include "core/patch_review.hpp"

#include "core/classes.hpp"

namespace seam::core {

PatchReview review_patch(const std::vector<FileDiff>& files, const RuleSet& rules,
                         const PostImageReader& post_image) {
  PatchReview r;
  for (const auto& f : files) {
    FileReview fr{f.path(), classify_path(f.path()), f.added(), f.removed()};
    if (fr.cls == "rust") {
      std::optional<std::string> whole;
      if (post_image) whole = post_image(f.path());
      auto found = analyze_rust_file(f, rules, whole ? &*whole : nullptr);
      r.findings.insert(r.findings.end(), found.begin(), found.end());
    } else if (fr.cls == "rust-c-glue" && !f.hunks.empty()) {
      // C written for Rust (helpers, bindings): every change is a boundary change.
      Finding g;
      g.rule = "rust-c-glue";
      g.severity = "medium";
      g.message = "change to the C glue Rust is built on (rust/helpers, rust/bindings, rust/uapi)";
      g.question = "Does the C side keep the contract the Rust abstraction assumes (types, locking, lifetimes)?";
      g.path = fr.path;
      for (const auto& h : f.hunks)
        for (const auto& l : h.lines)
          if (l.origin == '+') {
            if (!g.line) g.line = l.new_line;
            g.end_line = l.new_line;
            if (g.snippet.size() < 400) g.snippet += l.text + "\n";
          }
      if (!g.line) g.line = g.end_line = f.hunks.front().new_start;
      r.findings.push_back(std::move(g));
    }
    r.files.push_back(std::move(fr));
  }
  return r;
}

}  // namespace seam::core
