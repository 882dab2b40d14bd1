#include "reports/site/svg.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "reports/escape.hpp"

namespace seam::reports::site {

namespace {

void check_shape(const BarChart& c) {
  if (c.values.size() != c.labels.size()) std::abort();
  for (const auto& row : c.values)
    if (row.size() != c.stacks.size() || std::any_of(row.begin(), row.end(), [](int v) { return v < 0; }))
      std::abort();
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

std::string stacked_bars(const BarChart& c) {
  check_shape(c);
  const int n = static_cast<int>(c.labels.size());
  int max = 0;
  for (const auto& row : c.values) {
    int sum = 0;
    for (int v : row) sum += v;
    max = std::max(max, sum);
  }
  const double left = 40, top = 10, plot_h = 160, bar_w = 22, gap = 8, bottom = 60;
  const double width = std::max(240.0, left + n * (bar_w + gap) + 10);
  const double legend_y = top + plot_h + bottom - 12;
  const double height = top + plot_h + bottom + 8;
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"" + num(width) +
                    "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(width) + " " + num(height) + "\">";
  out += "<title>" + html_text(c.title) + "</title>";
  // Axis: a line and the two ends of the scale.
  out += "<line class=\"axis\" x1=\"" + num(left - 2) + "\" y1=\"" + num(top + plot_h) + "\" x2=\"" + num(width - 4) +
         "\" y2=\"" + num(top + plot_h) + "\"/>";
  out += "<line class=\"axis\" x1=\"" + num(left - 2) + "\" y1=\"" + num(top) + "\" x2=\"" + num(left - 2) +
         "\" y2=\"" + num(top + plot_h) + "\"/>";
  out += "<text class=\"tick\" x=\"" + num(left - 6) + "\" y=\"" + num(top + plot_h) + "\" text-anchor=\"end\">0</text>";
  out += "<text class=\"tick\" x=\"" + num(left - 6) + "\" y=\"" + num(top + 8) + "\" text-anchor=\"end\">" +
         std::to_string(max) + "</text>";
  for (int i = 0; i < n; ++i) {
    const double x = left + i * (bar_w + gap) + gap / 2;
    const std::string label = html_text(c.labels[static_cast<size_t>(i)]);
    out += "<g class=\"bar\" data-label=\"" + label + "\">";
    double y = top + plot_h;
    int total = 0;
    for (size_t s = 0; s < c.stacks.size(); ++s) {
      const int v = c.values[static_cast<size_t>(i)][s];
      total += v;
      if (v == 0 || max == 0) continue;
      const double h = plot_h * v / max;
      y -= h;
      out += "<rect class=\"seg\" x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(bar_w) + "\" height=\"" +
             num(h) + "\" fill=\"" + html_escape(c.stacks[s].color) + "\"><title>" + label + ": " +
             html_text(c.stacks[s].name) + " " + std::to_string(v) + "</title></rect>";
    }
    if (total == 0)
      out += "<title>" + label + ": 0</title>";
    out += "<text class=\"label\" transform=\"translate(" + num(x + bar_w / 2 + 4) + "," + num(top + plot_h + 6) +
           ") rotate(60)\">" + label + "</text></g>";
  }
  double lx = left;
  for (const auto& s : c.stacks) {
    out += "<rect class=\"key\" x=\"" + num(lx) + "\" y=\"" + num(legend_y) + "\" width=\"10\" height=\"10\" fill=\"" +
           html_escape(s.color) + "\"/><text class=\"legend\" x=\"" + num(lx + 14) + "\" y=\"" + num(legend_y + 9) +
           "\">" + html_text(s.name) + "</text>";
    lx += 24 + 7.0 * static_cast<double>(s.name.size());
  }
  out += "</svg>";
  return out;
}

std::string horizontal_bars(const BarChart& c) {
  check_shape(c);
  const int n = static_cast<int>(c.labels.size());
  int max = 0;
  for (const auto& row : c.values)
    if (!row.empty()) max = std::max(max, row[0]);
  const double label_w = 220, plot_w = 260, bar_h = 16, gap = 6, top = 6;
  const double width = label_w + plot_w + 50, height = top + n * (bar_h + gap) + 6;
  const std::string color = c.stacks.empty() ? "#4a6fa5" : c.stacks[0].color;
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"" + num(width) +
                    "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(width) + " " + num(height) + "\">";
  out += "<title>" + html_text(c.title) + "</title>";
  for (int i = 0; i < n; ++i) {
    const auto& row = c.values[static_cast<size_t>(i)];
    const int v = row.empty() ? 0 : row[0];
    const double y = top + i * (bar_h + gap);
    const double w = max == 0 ? 0 : plot_w * v / max;
    const std::string label = html_text(c.labels[static_cast<size_t>(i)]);
    out += "<g class=\"bar\" data-label=\"" + label + "\"><text class=\"label\" x=\"" + num(label_w - 6) + "\" y=\"" +
           num(y + bar_h - 4) + "\" text-anchor=\"end\">" + label + "</text>";
    out += "<rect class=\"seg\" x=\"" + num(label_w) + "\" y=\"" + num(y) + "\" width=\"" + num(std::max(w, 1.0)) +
           "\" height=\"" + num(bar_h) + "\" fill=\"" + html_escape(color) + "\"><title>" + label + ": " +
           std::to_string(v) + "</title></rect>";
    out += "<text class=\"value\" x=\"" + num(label_w + w + 4) + "\" y=\"" + num(y + bar_h - 4) + "\">" +
           std::to_string(v) + "</text></g>";
  }
  out += "</svg>";
  return out;
}

}  // namespace seam::reports::site
