#include "reports/html.hpp"

#include <cmark.h>

#include <cstdlib>
#include <memory>

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

}  // namespace

std::string markdown_to_html(const std::string& markdown, const std::string& title) {
  std::unique_ptr<char, decltype(&std::free)> body(
      cmark_markdown_to_html(markdown.data(), markdown.size(), CMARK_OPT_DEFAULT), &std::free);
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape_html(title) +
         "</title>\n<style>\nbody { font-family: sans-serif; max-width: 60em; margin: 2em auto; line-height: 1.4; }\n"
         "pre { background: #f4f4f4; padding: .5em; overflow-x: auto; }\n"
         "</style>\n</head>\n<body>\n" +
         std::string(body ? body.get() : "") + "</body>\n</html>\n";
}

}  // namespace seam::reports
