// Where a command's output goes: standard output, or the file of its -o.
#pragma once

#include <string>

namespace seam::cli {

// True when `path` (an -o argument) means standard output: empty or "-".
bool to_stdout(const std::string& path);

// Writes `text` to standard output when to_stdout(path), else to the file
// `path`. False after printing "seam COMMAND: cannot write PATH: reason" on
// standard error. (A failed write to standard output is caught once, in
// main, when the command ends.)
bool emit(const std::string& text, const std::string& path, const char* command);

// The output format a file name asks for by its extension: "html" for .html
// and .htm, "json" for .json, "text" for .txt, "md" for .md and .markdown;
// "" for anything else (then the command's default applies).
std::string format_of_path(const std::string& path);

}  // namespace seam::cli
