// HTML from the canonical Markdown, through cmark.
#pragma once

#include <string>

namespace seam::reports {

// A whole HTML page of `markdown` (CommonMark), titled `title`. Raw HTML in
// the Markdown is not passed through (cmark's default).
std::string markdown_to_html(const std::string& markdown, const std::string& title);

}  // namespace seam::reports
