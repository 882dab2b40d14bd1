// What a terminal can show: color only on a TTY and only without NO_COLOR.
#pragma once

#include <cstdio>
#include <string>

namespace seam::reports {

// True when `f` is a terminal and NO_COLOR is unset (https://no-color.org).
bool use_color(FILE* f);

// Wraps `text` in an ANSI color when `on`; returns it unchanged otherwise.
std::string paint(const std::string& text, const char* ansi, bool on);

inline constexpr const char* kRed = "31";
inline constexpr const char* kGreen = "32";
inline constexpr const char* kYellow = "33";
inline constexpr const char* kDim = "2";
inline constexpr const char* kBold = "1";

}  // namespace seam::reports
