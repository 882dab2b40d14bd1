#include "mail/parse/gmime.hpp"

#include <mutex>

namespace seam::mail {

static GMimeParserOptions* g_options = nullptr;

void ensure_gmime() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_mime_init();
    g_options = g_mime_parser_options_new();
    g_mime_parser_options_set_rfc2047_compliance_mode(g_options, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_address_compliance_mode(g_options, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode(g_options, GMIME_RFC_COMPLIANCE_LOOSE);
    // Undeclared 8-bit header text: UTF-8 if it is valid, else the usual
    // Western default of mail user agents.
    static const char* charsets[] = {"UTF-8", "windows-1252", nullptr};
    g_mime_parser_options_set_fallback_charsets(g_options, charsets);
  });
}

GMimeParserOptions* parser_options() {
  ensure_gmime();
  return g_options;
}

}  // namespace seam::mail
