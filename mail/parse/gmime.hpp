// RAII for GMime/GObject handles and one-time library initialization.
#pragma once

#include <gmime/gmime.h>

#include <memory>

namespace seam::mail {

struct GObjectUnref {
  void operator()(void* p) const {
    if (p) g_object_unref(p);
  }
};
template <typename T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

// g_mime_init() once per process; safe to call from any thread.
void ensure_gmime();

// Parser options shared by every parse: lenient RFC compliance (real mail is
// not compliant) and the charsets tried for undeclared 8-bit headers.
GMimeParserOptions* parser_options();

}  // namespace seam::mail
