// The grammar of patch mail subjects, as kernel mailing lists write them:
//
//   Re: [Linaro-mm-sig] [RFC PATCH net-next v2 03/16] net: frob the widget
//   ^^^ reply prefix     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ patch tag ^^^^^^^^^^^^ title
//       ^^^^^^^^^^^^^^^ list tag
//
// Reply prefixes (Re, RE, Aw, Fwd, …), list tags and "(subset)" markers may be
// mixed in any order before the patch tag; inside it, words come in any order
// ("[PATCH 1/2 v2]" and "[PATCH v2 1/2]" mean the same).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace seam::mail {

struct Subject {
  bool reply = false;        // Re:, Aw:, … (a follow-up, not a submission)
  bool forward = false;      // Fwd:, Fw:
  bool has_patch_tag = false;  // a [PATCH …]/[RFC …]/[GIT PULL …] group was found
  bool rfc = false;
  bool resend = false;
  bool pull = false;         // [GIT PULL] / [PULL]: a pull request, not a series
  int version = 1;           // v2 → 2; 1 when absent
  int index = 0;             // 3/16 → 3; 0 for a cover letter or a lone patch
  int total = 0;             // 3/16 → 16; 0 when there are no counters
  std::vector<std::string> list_tags;  // [Linaro-mm-sig], [Nouveau]
  std::vector<std::string> extra;      // other words in the patch tag: net-next, bpf
  std::string title;         // what remains, whitespace collapsed
};

Subject parse_subject(std::string_view subject);

// The title folded for matching versions of one series against each other:
// lower case, whitespace collapsed, trailing punctuation dropped.
std::string normalize_title(std::string_view title);

}  // namespace seam::mail
