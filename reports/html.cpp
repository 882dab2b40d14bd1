#include "reports/html.hpp"

#include <cmark.h>

#include <cstdlib>
#include <memory>

#include "reports/escape.hpp"

namespace seam::reports {

namespace {

std::string escape_html(const std::string& s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += ch;
    }
  }
  return out;
}

// cmark has no task-list extension: a list item that starts with "[ ] " or
// "[x] " (only the Markdown's own list items can: mail text never starts a
// line) gets a real, read-only checkbox.
std::string checkboxes(std::string html) {
  static const std::pair<const char*, const char*> marks[] = {
      {"[ ] ", "<input type=\"checkbox\" disabled> "}, {"[x] ", "<input type=\"checkbox\" checked disabled> "}};
  std::string out;
  out.reserve(html.size());
  size_t i = 0;
  while (true) {
    size_t li = html.find("<li>", i);
    if (li == std::string::npos) break;
    size_t at = li + 4;
    if (html.compare(at, 4, "\n<p>") == 0) at += 4;
    out.append(html, i, at - i);
    i = at;
    for (const auto& [md, input] : marks)
      if (html.compare(at, 4, md) == 0) {
        out += input;
        i = at + 4;
        break;
      }
  }
  out.append(html, i, std::string::npos);
  return out;
}

}  // namespace

std::string markdown_to_html(const std::string& markdown, const std::string& title) {
  std::unique_ptr<char, decltype(&std::free)> body(
      cmark_markdown_to_html(markdown.data(), markdown.size(), CMARK_OPT_DEFAULT), &std::free);
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape_html(printable(title)) +
         "</title>\n<style>\nbody { font-family: sans-serif; max-width: 60em; margin: 2em auto; line-height: 1.4; }\n"
         "pre { background: #f4f4f4; padding: .5em; overflow-x: auto; }\n"
         "</style>\n</head>\n<body>\n" +
         checkboxes(body ? body.get() : "") + "</body>\n</html>\n";
}

}  // namespace seam::reports
