#include "core/analysis/rules.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/analysis/tree_sitter.hpp"

namespace seam::core {

namespace fs = std::filesystem;

namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  size_t b = s.find_first_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b);
}

}  // namespace

std::shared_ptr<const TSQuery> compile_rust_query(const std::string& text, std::string* error, int* error_line) {
  uint32_t offset = 0;
  TSQueryError type = TSQueryErrorNone;
  TSQuery* q = ts_query_new(tree_sitter_rust(), text.data(), static_cast<uint32_t>(text.size()), &offset, &type);
  if (!q) {
    static const char* names[] = {"none", "syntax", "node type", "field", "capture", "structure", "language"};
    *error = std::string("query ") + (type < 7 ? names[type] : "unknown") + " error";
    *error_line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + std::min<size_t>(offset, text.size()), '\n'));
  }
  if (!q) return nullptr;
  return std::shared_ptr<const TSQuery>(q, [](const TSQuery* x) { ts_query_delete(const_cast<TSQuery*>(x)); });
}

std::vector<std::string> rule_dirs(const std::string& builtin, const std::string& extra) {
  std::vector<std::string> dirs{builtin};
  fs::path config;
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) config = fs::path(x);
  else if (const char* h = std::getenv("HOME"); h && *h) config = fs::path(h) / ".config";
  if (!config.empty() && fs::is_directory(config / "seam" / "rules")) dirs.push_back((config / "seam" / "rules").string());
  if (!extra.empty()) dirs.push_back(extra);
  return dirs;
}

RuleSet load_rules(const std::vector<std::string>& dirs) {
  RuleSet set;
  for (const auto& dir : dirs) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
      if (it->path().extension() == ".scm") files.push_back(it->path());
    if (ec) {
      set.errors.push_back({dir, "cannot read the rules folder: " + ec.message()});
      continue;
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      std::ifstream in(file);
      std::ostringstream text;
      text << in.rdbuf();
      Rule r;
      r.file = file.string();
      r.query = text.str();
      std::istringstream lines(r.query);
      for (std::string l; std::getline(lines, l);) {
        if (l.rfind(";", 0) != 0) break;
        const size_t text = l.find_first_not_of(';');
        if (text == std::string::npos) continue;  // a bare ";" line
        std::string body = trim(l.substr(text));
        auto colon = body.find(':');
        if (colon == std::string::npos) continue;
        std::string key = trim(body.substr(0, colon)), value = trim(body.substr(colon + 1));
        if (key == "id") r.id = value;
        else if (key == "severity") r.severity = value;
        else if (key == "message") r.message = value;
        else if (key == "question") r.question = value;
        else if (key == "paths") r.path_prefix = value;
      }
      if (r.id.empty()) {
        set.errors.push_back({r.file + ":1", "no '; id:' line in the rule's header"});
        continue;
      }
      std::string error;
      int line = 0;
      r.compiled = compile_rust_query(r.query, &error, &line);
      if (!r.compiled) {
        set.errors.push_back({r.file + ":" + std::to_string(line), error});
        continue;
      }
      if (r.severity.empty()) r.severity = "info";
      auto same = std::find_if(set.rules.begin(), set.rules.end(), [&](const Rule& x) { return x.id == r.id; });
      if (same != set.rules.end()) *same = std::move(r);
      else set.rules.push_back(std::move(r));
    }
  }
  return set;
}

}  // namespace seam::core
