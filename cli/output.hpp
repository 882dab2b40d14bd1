// Where a command's output goes: standard output, or the file of its -o.
#pragma once

#include <string>

namespace seam::cli {

// Writes `text` to standard output when `path` is empty, else to the file
// `path`. False after printing "seam COMMAND: cannot write PATH: reason".
bool emit(const std::string& text, const std::string& path, const char* command);

}  // namespace seam::cli
