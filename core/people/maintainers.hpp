// The MAINTAINERS file of a kernel-style tree: sections, the files they
// cover (F: patterns, N: regexes, X: exclusions) and their people (M:, R:),
// read the way scripts/get_maintainer.pl reads them; and the area of a path.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seam::core::people {

struct MaintainersSection {
  std::string name;                 // the title line ("RUST", "KERNEL BUILD + …")
  std::vector<std::string> files;   // F: patterns
  std::vector<std::string> excluded;  // X: patterns
  std::vector<std::string> regexes;   // N: patterns (extended regular expressions on the path)
  std::vector<std::string> maintainers;  // M: values as written ("Name <address>")
  std::vector<std::string> reviewers;    // R: values as written
};

struct MaintainersError {
  int line = 0;
  std::string message;
};

class Maintainers {
 public:
  // Parses MAINTAINERS text. A section is a title line followed by "X:\tvalue"
  // lines; text before the first section (the file's preamble) is skipped.
  // Malformed N: regexes are reported in errors() and left out; nothing else
  // is an error.
  explicit Maintainers(std::string_view text);
  ~Maintainers();
  Maintainers(Maintainers&&) noexcept;

  const std::vector<MaintainersSection>& sections() const { return sections_; }
  const std::vector<MaintainersError>& errors() const { return errors_; }

  // Indices into sections() of every section covering `path` (an F: pattern
  // or N: regex matches and no X: pattern does), the most specific first
  // (the longest literal part of the F: pattern that matched; for an N:
  // regex, its length).
  //   F:/X: patterns: "dir/" is everything in and below dir; "dir/*" the
  //   files in dir, not below; "*" and "?" never match "/"; a pattern without
  //   wildcards names a file, or a directory and everything below it.
  std::vector<size_t> sections_of(const std::string& path) const;

  // The most specific of sections_of(path): those as specific as the first.
  std::vector<size_t> best_sections_of(const std::string& path) const;

  // The names of the most specific sections covering `path` (those as
  // specific as the best), or empty when none covers it.
  std::vector<std::string> areas_of(const std::string& path) const;

 private:
  // (specificity, section) of every section covering path, most specific first.
  std::vector<std::pair<size_t, size_t>> scored(const std::string& path) const;
  struct Impl;
  std::vector<MaintainersSection> sections_;
  std::vector<MaintainersError> errors_;
  std::unique_ptr<Impl> impl_;
};

// The area of `path` without a MAINTAINERS file: its first two components
// ("drivers/net" for drivers/net/x.c, "scripts" for scripts/x.sh, "Makefile"
// for Makefile).
std::string path_area(const std::string& path);

// Whether F:/X: pattern `pattern` matches `path` (see sections_of()).
bool maintainers_pattern_matches(const std::string& pattern, const std::string& path);

}  // namespace seam::core::people
