// The named things of a C file and the lines they span, found with
// tree-sitter-c: functions, prototypes, macros, structs, unions, enums and
// their constants, typedefs and globals. What a C hunk changes is the items
// whose lines it touches.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace seam::core {

struct CItem {
  std::string name;
  std::string kind;  // function, prototype, macro, struct, union, enum, constant, typedef, variable
  int line = 0, end_line = 0;  // 1-based, inclusive
};

// Items at file level, also those inside #if/#ifdef blocks; nothing inside
// function bodies or struct fields (a changed field changes its struct).
std::vector<CItem> c_items(std::string_view source);

}  // namespace seam::core
