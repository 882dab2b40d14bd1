// HTML from the canonical Markdown, through cmark.
#pragma once

#include <string>

namespace seam::reports {

// A whole HTML page of `markdown` (CommonMark), titled `title` (printable()
// and HTML-escaped). Raw HTML and unsafe links in the Markdown are not passed
// through (cmark's default, safe mode). A list item that starts with "[ ] "
// or "[x] " is shown with a disabled checkbox (the task lists of GitHub's
// Markdown; cmark has no extension for them).
std::string markdown_to_html(const std::string& markdown, const std::string& title);

}  // namespace seam::reports
