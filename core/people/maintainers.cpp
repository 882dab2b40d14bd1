#include "core/people/maintainers.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <map>
#include <regex>

namespace seam::core::people {

namespace {

bool has_wildcard(std::string_view p) { return p.find_first_of("*?[") != std::string_view::npos; }

size_t literal_length(std::string_view p) {
  size_t n = 0;
  for (char c : p)
    if (c != '*' && c != '?') ++n;
  return n;
}

std::string first_component(std::string_view p) {
  const size_t slash = p.find('/');
  return std::string(p.substr(0, slash));
}

}  // namespace

bool maintainers_pattern_matches(const std::string& pattern, const std::string& path) {
  if (pattern.empty()) return false;
  if (pattern.back() == '/') {
    // In and below the directory.
    const std::string dir = pattern.substr(0, pattern.size() - 1);
    if (dir.empty()) return true;
    return fnmatch(dir.c_str(), path.c_str(), FNM_PATHNAME | FNM_LEADING_DIR) == 0;
  }
  if (!has_wildcard(pattern)) return path == pattern || (path.size() > pattern.size() && path.compare(0, pattern.size(), pattern) == 0 && path[pattern.size()] == '/');
  return fnmatch(pattern.c_str(), path.c_str(), FNM_PATHNAME) == 0;
}

struct Maintainers::Impl {
  struct Pattern {
    size_t section;
    std::string pattern;
    size_t specificity;
  };
  // F: patterns by their literal first component; those starting with a
  // wildcard apart.
  std::map<std::string, std::vector<Pattern>, std::less<>> by_first;
  std::vector<Pattern> wild;
  std::vector<std::pair<size_t, std::regex>> regexes;
  std::map<size_t, size_t> regex_length;  // per section: its longest N: pattern
  std::vector<std::vector<std::string>> excluded;  // per section
};

Maintainers::~Maintainers() = default;
Maintainers::Maintainers(Maintainers&&) noexcept = default;

Maintainers::Maintainers(std::string_view text) : impl_(std::make_unique<Impl>()) {
  std::string previous;  // the last line that was not a tag line
  bool in_section = false;
  int lineno = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(pos, end - pos));
    pos = end + 1;
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const bool tag = line.size() >= 2 && line[0] >= 'A' && line[0] <= 'Z' && line[1] == ':';
    if (!tag) {
      if (line.find_first_not_of(" \t") == std::string::npos) in_section = false;
      previous = line;
      if (end == text.size()) break;
      continue;
    }
    if (!in_section) {
      // The line above the first tag line is the section's title.
      if (previous.empty() || previous[0] == ' ' || previous[0] == '\t') {
        if (end == text.size()) break;
        continue;  // a tag line in the preamble's indented examples
      }
      sections_.push_back({});
      sections_.back().name = previous;
      impl_->excluded.emplace_back();
      in_section = true;
    }
    std::string value = line.substr(2);
    const size_t a = value.find_first_not_of(" \t");
    value = a == std::string::npos ? "" : value.substr(a);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
    auto& s = sections_.back();
    const size_t idx = sections_.size() - 1;
    switch (line[0]) {
      case 'F': {
        s.files.push_back(value);
        Impl::Pattern p{idx, value, literal_length(value)};
        const std::string first = first_component(value);
        if (value.find('/') == std::string::npos || has_wildcard(first)) impl_->wild.push_back(p);
        else impl_->by_first[first].push_back(p);
        break;
      }
      case 'X':
        s.excluded.push_back(value);
        impl_->excluded[idx].push_back(value);
        break;
      case 'N':
        s.regexes.push_back(value);
        try {
          impl_->regexes.emplace_back(idx, std::regex(value, std::regex::extended | std::regex::nosubs));
          impl_->regex_length[idx] = std::max(impl_->regex_length[idx], value.size());
        } catch (const std::regex_error& e) {
          errors_.push_back({lineno, "N: " + value + ": not a regular expression (" + e.what() + ")"});
        }
        break;
      case 'M': s.maintainers.push_back(value); break;
      case 'R': s.reviewers.push_back(value); break;
      default: break;
    }
    if (end == text.size()) break;
  }
}

std::vector<std::pair<size_t, size_t>> Maintainers::scored(const std::string& path) const {
  std::map<size_t, size_t> best;  // section -> specificity
  auto consider = [&](const Impl::Pattern& p) {
    if (!maintainers_pattern_matches(p.pattern, path)) return;
    auto& b = best[p.section];
    b = std::max(b, p.specificity + 1);
  };
  if (auto it = impl_->by_first.find(first_component(path)); it != impl_->by_first.end())
    for (const auto& p : it->second) consider(p);
  for (const auto& p : impl_->wild) consider(p);
  for (const auto& [idx, re] : impl_->regexes)
    if (std::regex_search(path, re)) {
      // As specific as a pattern of the regex's length: a name beats "*/".
      auto& b = best[idx];
      b = std::max<size_t>(b, impl_->regex_length[idx] + 1);
    }
  std::vector<std::pair<size_t, size_t>> found;
  for (const auto& [idx, spec] : best) {
    bool out = false;
    for (const auto& x : impl_->excluded[idx])
      if (maintainers_pattern_matches(x, path)) {
        out = true;
        break;
      }
    if (!out) found.emplace_back(spec, idx);
  }
  std::stable_sort(found.begin(), found.end(), [](auto& a, auto& b) { return a.first > b.first; });
  return found;
}

std::vector<size_t> Maintainers::sections_of(const std::string& path) const {
  std::vector<size_t> out;
  for (const auto& f : scored(path)) out.push_back(f.second);
  return out;
}

std::vector<size_t> Maintainers::best_sections_of(const std::string& path) const {
  const auto all = scored(path);
  std::vector<size_t> out;
  for (const auto& [spec, idx] : all)
    if (spec == all.front().first) out.push_back(idx);
  return out;
}

std::vector<std::string> Maintainers::areas_of(const std::string& path) const {
  std::vector<std::string> names;
  for (size_t idx : best_sections_of(path)) names.push_back(sections_[idx].name);
  return names;
}

std::string path_area(const std::string& path) {
  const size_t a = path.find('/');
  if (a == std::string::npos) return path;
  const size_t b = path.find('/', a + 1);
  if (b == std::string::npos) return path.substr(0, a);
  return path.substr(0, b);
}

}  // namespace seam::core::people
