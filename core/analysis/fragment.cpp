#include "core/analysis/fragment.hpp"

#include <set>

#include "core/analysis/tree_sitter.hpp"

namespace seam::core {

Fragment fragment_of(const Hunk& h) {
  Fragment f;
  for (const auto& l : h.lines) {
    if (l.origin == '-') continue;
    f.text += l.text + "\n";
    f.line.push_back(l.new_line);
    f.added.push_back(l.origin == '+');
    f.rows.push_back(l.text);
  }
  return f;
}

Fragment whole_fragment(const FileDiff& file, const std::string& text) {
  std::set<int> added;
  for (const auto& h : file.hunks)
    for (const auto& l : h.lines)
      if (l.origin == '+') added.insert(l.new_line);
  Fragment f;
  f.text = text;
  size_t i = 0;
  int line = 1;
  while (i < text.size()) {
    size_t nl = text.find('\n', i);
    f.rows.push_back(text.substr(i, (nl == std::string::npos ? text.size() : nl) - i));
    f.line.push_back(line);
    f.added.push_back(added.count(line) > 0);
    ++line;
    if (nl == std::string::npos) break;
    i = nl + 1;
  }
  if (!f.text.empty() && f.text.back() != '\n') f.text += '\n';
  return f;
}

Balance balance_of(TSNode root, const std::string& src) {
  std::string open, unopened;  // unopened: closers without an opener, innermost first
  std::vector<std::string_view> tokens;
  ts::for_each_token(root, ts::rust_text_node, [&](TSNode n) { tokens.push_back(ts::text(n, src)); });
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string_view t = tokens[i];
    if (t.size() != 1) continue;
    const char ch = t[0];
    if (ch == '{' || ch == '(' || ch == '[') {
      open.push_back(ch);
    } else if (ch == '}' || ch == ')' || ch == ']') {
      if (!open.empty()) {
        open.pop_back();
      } else {
        const bool fn_params = ch == ')' && i + 1 < tokens.size() &&
                               (tokens[i + 1] == "->" || tokens[i + 1] == "{" || tokens[i + 1] == "where");
        unopened.push_back(fn_params ? 'f' : ch);
      }
    }
  }
  Balance b;
  for (auto it = unopened.rbegin(); it != unopened.rend(); ++it)
    b.prefix += *it == '}' ? "{" : *it == ']' ? "[" : *it == 'f' ? "fn _(" : "(";
  for (auto it = open.rbegin(); it != open.rend(); ++it) b.suffix += *it == '{' ? '}' : *it == '(' ? ')' : ']';
  return b;
}

std::string trim_row(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  size_t b = s.find_first_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b);
}

}  // namespace seam::core
