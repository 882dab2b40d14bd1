// Charts drawn as inline SVG: no script, no library, readable in any browser
// (and from file://). Each bar is a <g class="bar"> holding one <rect> per
// non-empty segment, each with a <title> tooltip; labels are <text>.
#pragma once

#include <string>
#include <vector>

namespace seam::reports::site {

struct Stack {
  std::string name;   // legend text (not mail: written as is after escaping)
  std::string color;  // a CSS colour, e.g. "#b7410e"
};

struct BarChart {
  std::string title;                        // the chart's accessible name
  std::vector<Stack> stacks;                // segments, bottom first
  std::vector<std::string> labels;          // one per bar (x axis)
  std::vector<std::vector<int>> values;     // values[bar][stack], >= 0
};

// Vertical stacked bars with a y axis (0 and the maximum), x labels and a
// legend. Input: `c` with values.size() == labels.size() and each row
// stacks.size() long (a bug otherwise: aborts). Output: an <svg> element
// with role="img" and <title>. Text is HTML-escaped here.
std::string stacked_bars(const BarChart& c);

// Horizontal bars, one per label (values[bar][0] only), longest scale first
// as given. Same output conventions.
std::string horizontal_bars(const BarChart& c);

}  // namespace seam::reports::site
