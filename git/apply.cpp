#include "git/apply.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string_view>

#include "git/handles.hpp"
#include "git/patchid.hpp"
#include "git/scratch.hpp"

namespace seam::git {

namespace {

using DiffPtr = Owned<git_diff, git_diff_free>;
using IndexPtr = Owned<git_index, git_index_free>;
using SigPtr = Owned<git_signature, git_signature_free>;
using RefPtr = Owned<git_reference, git_reference_free>;
using ObjectPtr = Owned<git_object, git_object_free>;

std::string hex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

// The pre-image blob ids a patch names on its "index abc123..def456" lines,
// by path: the evidence for guessing a base. Paths the patch creates (or
// renames to) go to `created`: later patches' pre-images of them cannot be
// in the base.
std::map<std::string, std::string> preimage_blobs(const std::string& diff, std::set<std::string>& created) {
  std::map<std::string, std::string> out;
  std::istringstream in(diff);
  std::string line, path;
  while (std::getline(in, line)) {
    if (line.rfind("diff --git a/", 0) == 0) {
      auto b = line.find(" b/");
      path = b == std::string::npos ? "" : line.substr(13, b - 13);
    } else if (line.rfind("index ", 0) == 0 && !path.empty()) {
      auto dots = line.find("..");
      if (dots == std::string::npos) continue;
      std::string pre = line.substr(6, dots - 6);
      if (pre.find_first_not_of('0') != std::string::npos) out[path] = pre;  // 0000… is a new file
      else created.insert(path);
    } else if (line.rfind("rename to ", 0) == 0 || line.rfind("copy to ", 0) == 0) {
      created.insert(line.substr(line.find(" to ") + 4));
    }
  }
  return out;
}

struct Tracker {
  std::string path;
  std::string hunk;
};

int on_delta(const git_diff_delta* d, void* payload) {
  auto* t = static_cast<Tracker*>(payload);
  t->path = d->new_file.path ? d->new_file.path : (d->old_file.path ? d->old_file.path : "");
  t->hunk.clear();
  return 0;
}

int on_hunk(const git_diff_hunk* h, void* payload) {
  auto* t = static_cast<Tracker*>(payload);
  t->hunk.assign(h->header, h->header_len);
  while (!t->hunk.empty() && (t->hunk.back() == '\n' || t->hunk.back() == '\r')) t->hunk.pop_back();
  return 0;
}

// A name in a "diff --git" line: C-quoted ("\"a/x\\ty\"") or plain.
// Returns the unquoted name and moves `i` past it; "" when malformed.
std::string take_name(const std::string& s, size_t& i, bool to_end) {
  std::string out;
  if (i < s.size() && s[i] == '"') {
    ++i;
    while (i < s.size() && s[i] != '"') {
      char c = s[i++];
      if (c != '\\' || i >= s.size()) {
        out += c;
        continue;
      }
      char e = s[i++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'r': out += '\r'; break;
        case 'v': out += '\v'; break;
        default:
          if (e >= '0' && e <= '3' && i + 1 < s.size()) {
            out += static_cast<char>(((e - '0') << 6) | ((s[i] - '0') << 3) | (s[i + 1] - '0'));
            i += 2;
          } else {
            out += e;
          }
      }
    }
    ++i;  // the closing quote
    return out;
  }
  size_t end = to_end ? s.size() : s.find(' ', i);
  if (end == std::string::npos) end = s.size();
  out = s.substr(i, end - i);
  i = end;
  return out;
}

// The two names of a "diff --git a/x b/y" line without their a/ and b/.
std::pair<std::string, std::string> git_names(const std::string& line) {
  std::string rest = line.substr(11);
  while (!rest.empty() && (rest.back() == '\r' || rest.back() == '\n')) rest.pop_back();
  std::string a, b;
  if (!rest.empty() && rest[0] == '"') {
    size_t i = 0;
    a = take_name(rest, i, false);
    if (i < rest.size() && rest[i] == ' ') ++i;
    b = take_name(rest, i, true);
  } else if (size_t q = rest.find(" \""); q != std::string::npos) {
    a = rest.substr(0, q);
    size_t i = q + 1;
    b = take_name(rest, i, true);
  } else if (rest.size() % 2 == 1 && rest[rest.size() / 2] == ' ' &&
             rest.compare(2, rest.size() / 2 - 2, rest, rest.size() / 2 + 3, std::string::npos) == 0) {
    // "a/N b/N": the same name twice, which may itself hold " b/".
    a = rest.substr(0, rest.size() / 2);
    b = rest.substr(rest.size() / 2 + 1);
  } else if (size_t sp = rest.find(" b/"); sp != std::string::npos) {
    a = rest.substr(0, sp);
    b = rest.substr(sp + 1);
  }
  auto strip = [](std::string& n, const char* pre) {
    if (n.rfind(pre, 0) == 0) n.erase(0, 2);
  };
  strip(a, "a/");
  strip(b, "b/");
  return {a, b};
}

// Text from a patch (a hunk header, a libgit2 message quoting it) with its
// control bytes escaped, so that a report shows it on one line.
std::string escape_controls(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c == '\r') out += "\\r";
    else if (c < 0x20 || c == 0x7f) {
      const char oct[] = {'\\', static_cast<char>('0' + (c >> 6)), static_cast<char>('0' + ((c >> 3) & 7)),
                          static_cast<char>('0' + (c & 7)), 0};
      out += oct;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// One "diff --git" section of a patch.
struct Section {
  std::string text;
  size_t first_line = 1;    // 1-based line of the "diff --git" line in the whole diff
  std::string name;         // the file (the b/ name)
  std::string old_name;     // the file before (the a/ name; "" when unknown)
  // A new or deleted empty file: no hunk, no ---/+++ lines. libgit2 cannot
  // parse these; seam applies them itself, as git apply does.
  bool hunkless_new = false, hunkless_delete = false;
  git_filemode_t mode = GIT_FILEMODE_BLOB;
  // A submodule (gitlink, mode 160000) added, moved or removed: its one
  // line "Subproject commit <id>" before and after ("" for none). libgit2
  // would make a blob of that line; seam sets the commit id itself, as git
  // apply does.
  bool gitlink = false;
  std::string link_old, link_new;
};

// Where the first byte that does not start valid UTF-8 is (git's
// find_invalid_utf8: overlong forms, surrogates, U+xxFFFE/U+xxFFFF,
// U+FDD0..U+FDEF and anything past U+10FFFF are invalid too), or npos.
size_t invalid_utf8(std::string_view s) {
  static constexpr unsigned kMax[] = {0x7f, 0x7ff, 0xffff, 0x10ffff};
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t bad = i++;
    if (c < 0x80) continue;
    int bytes = 0;
    while (c & 0x40) {
      c = static_cast<unsigned char>(c << 1);
      ++bytes;
    }
    if (bytes < 1 || bytes > 3 || s.size() - i < static_cast<size_t>(bytes)) return bad;
    unsigned cp = (c & 0x7fu) >> bytes;
    const unsigned lo = kMax[bytes - 1] + 1, hi = kMax[bytes];
    for (int k = 0; k < bytes; ++k, ++i) {
      const auto b = static_cast<unsigned char>(s[i]);
      if ((b & 0xc0) != 0x80) return bad;
      cp = (cp << 6) | (b & 0x3fu);
    }
    if (cp < lo || cp > hi || (cp & 0x1ff800) == 0xd800 || (cp & 0xfffe) == 0xfffe || (cp >= 0xfdd0 && cp <= 0xfdef))
      return bad;
  }
  return std::string_view::npos;
}

// Text for a commit as git writes it (commit_tree's verify_utf8): every
// byte that does not start valid UTF-8 is taken for Latin-1 and written as
// UTF-8. git am commits an author or message that is not UTF-8 (an in-body
// "From:" in another charset: git mailinfo re-encodes only encoded words of
// headers) that way, with a warning.
std::string git_utf8(std::string s) {
  for (size_t pos = 0;;) {
    const size_t bad = invalid_utf8(std::string_view(s).substr(pos));
    if (bad == std::string_view::npos) return s;
    pos += bad;
    const auto c = static_cast<unsigned char>(s[pos]);
    s.replace(pos, 1, {static_cast<char>(0xc0 + (c >> 6)), static_cast<char>(0x80 + (c & 0x3f))});
    pos += 2;
  }
}

// A name as a C-quoted string ("a/x y"). Only for names git left unquoted,
// which hold no control byte.
std::string quoted(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A line of a git diff's header as libgit2 reads it. git leaves a name with
// a space unquoted ("diff --git a/x y b/x y", "rename from x y", "+++ b/x
// y\t") and git apply takes it from the "diff --git" line, up to a TAB on
// "---"/"+++" lines; libgit2 stops such names at the space (or keeps the
// TAB), so they are given to it quoted. `a` and `b` are the section's names
// from its "diff --git" line.
std::string header_name_line(const std::string& line, const std::string& a, const std::string& b) {
  size_t eol = line.size();
  while (eol > 0 && (line[eol - 1] == '\n' || line[eol - 1] == '\r')) --eol;
  const std::string end = line.substr(eol);
  const bool spaced = a.find(' ') != std::string::npos || b.find(' ') != std::string::npos;
  auto starts = [&](const char* p) { return line.rfind(p, 0) == 0; };
  if (spaced && starts("diff --git a/")) return "diff --git " + quoted("a/" + a) + " " + quoted("b/" + b) + end;
  for (const char* p : {"rename from ", "copy from "})
    if (spaced && starts(p) && line[std::strlen(p)] != '"') return p + quoted(a) + end;
  for (const char* p : {"rename to ", "copy to "})
    if (spaced && starts(p) && line[std::strlen(p)] != '"') return p + quoted(b) + end;
  if (line.size() < 5 || (!starts("--- ") && !starts("+++ ")) || line[4] == '"') return line;
  std::string l = line.substr(0, std::min(line.find('\t', 4), eol));
  if (spaced && l == "--- a/" + a) return "--- " + quoted("a/" + a) + end;
  if (spaced && l == "+++ b/" + b) return "+++ " + quoted("b/" + b) + end;
  return l + end;
}

// What follows "Subproject commit " on a line (the id), or "".
std::string subproject_id(std::string_view l) {
  constexpr std::string_view kPrefix = "Subproject commit ";
  if (l.rfind(kPrefix, 0) != 0) return {};
  l.remove_prefix(kPrefix.size());
  // All of the rest: git compares the whole line, so "<id>-dirty" or a
  // short id is no match for the tree's commit.
  return std::string(l);
}

// The name a "--- NAME" or "+++ NAME" line of a diff without git's
// headers gives, as git's find_name_traditional reads it: up to a TAB
// (spaces before it kept), unquoted when quoted; "" for /dev/null.
std::string traditional_raw_name(const std::string& line) {
  std::string n = line.substr(4);
  while (!n.empty() && (n.back() == '\n' || n.back() == '\r')) n.pop_back();
  if (!n.empty() && n[0] == '"') {
    size_t k = 0;
    n = take_name(n, k, false);
  } else {
    n = n.substr(0, n.find('\t'));
  }
  return n == "/dev/null" ? std::string() : n;
}

// That name with its first `p` directories dropped (git apply's -p).
std::string traditional_name(const std::string& line, int p) {
  std::string n = traditional_raw_name(line);
  for (int k = 0; k < p && !n.empty(); ++k) {
    size_t slash = n.find('/');
    n = slash == std::string::npos ? std::string() : n.substr(slash + 1);
  }
  return n;
}

// The lines of `text`, each with its '\n' (the last one without, when the
// text does not end in one).
std::vector<std::string> lines_with_ends(std::string_view text) {
  std::vector<std::string> out;
  for (size_t i = 0; i < text.size();) {
    size_t nl = text.find('\n', i);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    out.emplace_back(text.substr(i, end - i));
    i = end;
  }
  return out;
}

// Whether a "---"/"+++" line of a diff without git's headers dates its
// file at the epoch, as diff -N dates a file that is absent (git's
// has_epoch_timestamp; the zone may turn it into 1969-12-31).
bool epoch_stamp(const std::string& line) {
  // git's has_epoch_timestamp: the text after the last TAB is
  // "1969-12-31 " or "1970-01-01 ", then "hh:mm:00[.000] +hh[:]mm" and the
  // line's end, the time less the zone's offset on midnight UTC.
  std::string rest = line;
  while (!rest.empty() && (rest.back() == '\n' || rest.back() == '\r')) rest.pop_back();
  const size_t tab = rest.rfind('\t');
  if (tab == std::string::npos) return false;
  std::string ts = rest.substr(tab + 1);
  int epoch_hour = 0;
  if (ts.rfind("1969-12-31 ", 0) == 0) epoch_hour = 24;
  else if (ts.rfind("1970-01-01 ", 0) != 0) return false;
  ts.erase(0, 11);
  static const std::regex stamp("^[0-2][0-9]:([0-5][0-9]):00(\\.0+)? ([-+][0-2][0-9]:?[0-5][0-9])$");
  std::smatch m;
  if (!std::regex_match(ts, m, stamp)) return false;
  const int hour = std::atoi(ts.c_str()), minute = std::atoi(m[1].str().c_str());
  const std::string zone = m[3].str();
  int offset = 0;
  if (size_t colon = zone.find(':'); colon != std::string::npos)
    offset = std::atoi(zone.substr(1, colon - 1).c_str()) * 60 + std::atoi(zone.c_str() + colon + 1);
  else
    offset = std::atoi(zone.c_str() + 1) / 100 * 60 + std::atoi(zone.c_str() + 1) % 100;
  if (zone[0] == '-') offset = -offset;
  return hour * 60 + minute - offset == epoch_hour * 60;
}

std::vector<Section> sections(const std::string& diff) {
  std::vector<Section> out;
  std::vector<std::string> lines = lines_with_ends(diff);
  bool in_header = false;
  std::pair<std::string, std::string> names;  // of the section's "diff --git" line
  // A diff without git's headers ("diff -u", "Index: " or none): each file's
  // "---"/"+++" pair opens a section given the "diff --git" header git
  // apply would infer; lines outside its hunks (the "diff -u"/"Index: "
  // lines of the next file) are left out. Hunk lines are counted, so that a
  // removed line "-- x" is never taken for a header.
  bool traditional = false;
  int p_value = 1;
  bool p_known = false;
  long old_left = 0, new_left = 0;
  for (size_t n = 0; n < lines.size(); ++n) {
    const std::string& line = lines[n];
    const size_t line_no = n + 1;
    if (line.rfind("diff --git ", 0) == 0) {
      traditional = false;
    } else if ((out.empty() || traditional) && old_left <= 0 && new_left <= 0 && line.rfind("--- ", 0) == 0 &&
               n + 1 < lines.size() && lines[n + 1].rfind("+++ ", 0) == 0) {
      // As git's parse_traditional_patch: /dev/null or a timestamp at the
      // epoch (diff -N) on one side makes a new or deleted file; else the
      // file is the second name, or the first when it is a prefix of it.
      // git guesses -p0 from the first file whose two names hold no '/',
      // and keeps it for the rest of the patch; else -p1.
      if (!p_known) {
        auto guess = [](const std::string& raw) { return raw.empty() ? -1 : raw.find('/') == std::string::npos ? 0 : -2; };
        int gp = guess(traditional_raw_name(line)), gq = guess(traditional_raw_name(lines[n + 1]));
        if (gp == -1) gp = gq;
        if (gp == 0 && gp == gq) {
          p_value = 0;
          p_known = true;
        }
      }
      std::string a = traditional_name(line, p_value), b = traditional_name(lines[n + 1], p_value);
      const bool a_null = traditional_raw_name(line).empty(), b_null = traditional_raw_name(lines[n + 1]).empty();
      // A name with fewer directories than -p drops gives way to the other.
      if (!a_null && a.empty()) a = b;
      if (!b_null && b.empty()) b = a;
      if ((!a_null || !b_null) && a.empty() && b.empty()) {
        // No name at all: left for libgit2 to refuse.
        out.emplace_back();
        out.back().first_line = line_no;
        out.back().text = line;
        continue;
      }
      if (!a_null && !b_null) {
        const std::string one = b.size() > a.size() && b.compare(0, a.size(), a) == 0 ? a : b;
        a = epoch_stamp(line) ? std::string() : one;
        b = epoch_stamp(lines[n + 1]) && !a.empty() ? std::string() : one;
      }
      const std::string name = b.empty() ? a : b;
      auto q = [](const std::string& p) { return p.find(' ') == std::string::npos ? p : quoted(p); };
      out.emplace_back();
      out.back().first_line = line_no;
      out.back().name = name;
      out.back().old_name = a;
      out.back().text = "diff --git " + q("a/" + name) + " " + q("b/" + name) + "\n" +
                        (a.empty() ? "new file mode 100644\n" : b.empty() ? "deleted file mode 100644\n" : "") +
                        "--- " + (a.empty() ? "/dev/null" : q("a/" + name)) + "\n+++ " +
                        (b.empty() ? "/dev/null" : q("b/" + name)) + "\n";
      traditional = true;
      ++n;
      continue;
    }
    if (traditional) {
      if (line.rfind("@@ -", 0) == 0) {
        // "@@ -a[,b] +c[,d] @@": b and d lines follow (1 when left out).
        auto count = [&](char sign) {
          size_t at = line.find(sign, 3);
          if (at == std::string::npos) return 0L;
          size_t comma = line.find_first_of(", ", at);
          return comma != std::string::npos && line[comma] == ',' ? std::strtol(line.c_str() + comma + 1, nullptr, 10)
                                                                   : 1L;
        };
        old_left = count('-');
        new_left = count('+');
      } else if (old_left > 0 || new_left > 0) {
        if (line[0] != '+' && line[0] != '\\') --old_left;
        if (line[0] != '-' && line[0] != '\\') --new_left;
      } else if (line[0] != '\\') {
        continue;  // between files
      }
      out.back().text += line;
      continue;
    }
    if (line.rfind("diff --git ", 0) == 0 || out.empty()) {
      out.emplace_back();
      out.back().first_line = line_no;
      names = {};
      if (line.rfind("diff --git ", 0) == 0) {
        names = git_names(line);
        // A name with a space may hold " b/", which makes the "diff --git"
        // line ambiguous: the "rename/copy from/to" lines of the header say
        // the names for certain, as git apply takes them.
        for (size_t k = n + 1; k < lines.size(); ++k) {
          const std::string& l = lines[k];
          if (l.rfind("diff --git ", 0) == 0 || l.rfind("@@", 0) == 0 || l.rfind("--- ", 0) == 0 ||
              l.rfind("GIT binary patch", 0) == 0)
            break;
          auto value = [&](const char* p) {
            std::string v = l.substr(std::strlen(p));
            while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
            return v;
          };
          for (const char* p : {"rename from ", "copy from "})
            if (l.rfind(p, 0) == 0 && l.size() > std::strlen(p) && l[std::strlen(p)] != '"') names.first = value(p);
          for (const char* p : {"rename to ", "copy to "})
            if (l.rfind(p, 0) == 0 && l.size() > std::strlen(p) && l[std::strlen(p)] != '"') names.second = value(p);
        }
        out.back().name = names.second;
        out.back().old_name = names.first;
      }
      in_header = true;
    }
    if (line.rfind("@@", 0) == 0 || line.rfind("GIT binary patch", 0) == 0) in_header = false;
    out.back().text += in_header ? header_name_line(line, names.first, names.second) : line;
  }
  for (auto& s : out) {
    bool has_body = false, is_new = false, is_delete = false, link_mode = false, hunk = false;
    std::istringstream in(s.text);
    std::string l;
    while (std::getline(in, l)) {
      if (!l.empty() && l.back() == '\r') l.pop_back();
      if (l.rfind("@@", 0) == 0) hunk = true;
      if (!hunk && (l.rfind("index ", 0) == 0 || l.rfind("new file mode ", 0) == 0 ||
                    l.rfind("deleted file mode ", 0) == 0) &&
          l.size() >= 7 && l.compare(l.size() - 7, 7, " 160000") == 0)
        link_mode = true;
      if (hunk && l.size() > 1 && (l[0] == '-' || l[0] == '+')) {
        std::string id = subproject_id(std::string_view(l).substr(1));
        (l[0] == '-' ? s.link_old : s.link_new) = id;
      }
      if (l.rfind("@@", 0) == 0 || l.rfind("--- ", 0) == 0 || l.rfind("+++ ", 0) == 0 ||
          l.rfind("GIT binary patch", 0) == 0 || l.rfind("Binary files ", 0) == 0 || l.rfind("rename ", 0) == 0 ||
          l.rfind("copy ", 0) == 0 || l.rfind("similarity ", 0) == 0)
        has_body = true;
      if (l.rfind("new file mode ", 0) == 0) {
        is_new = true;
        s.mode = static_cast<git_filemode_t>(std::strtoul(l.c_str() + 14, nullptr, 8));
      }
      if (l.rfind("deleted file mode ", 0) == 0) is_delete = true;
    }
    s.gitlink = link_mode && hunk && (!s.link_old.empty() || !s.link_new.empty());
    if (!has_body && s.text.rfind("diff --git ", 0) == 0) {
      s.hunkless_new = is_new && !is_delete;
      s.hunkless_delete = is_delete && !is_new;
    }
  }
  return out;
}

// Hunk line numbers past this are not read as numbers (no file has them).
constexpr long kMaxLine = 1L << 40;

// The text of a section whose hunks say where they go as git apply finds
// the place (git's find_pos): a hunk is looked for from the line it names,
// then after it and before it by growing distance; a hunk that starts at
// line 0 or 1 must match at the file's start and one without trailing
// context at its end (git's match_beginning and match_end, never retried
// without them), and no hunk matches lines an earlier hunk wrote. Its
// header then names the line found. libgit2 only ever tries the line the
// header names ("TODO: search for hunk position") and knows neither rule,
// so a patch made on a tree where the lines moved failed, and some applied
// where git applies them elsewhere or not at all. `old` is the file before
// the patch; hunks are placed in order on the image the earlier ones made,
// as both apply them. A hunk found nowhere is named in `bad_hunk`: git
// apply refuses the patch there.
struct Placed {
  std::string text;        // the section with its hunks' headers naming where they go
  std::string bad_hunk;    // the header of a hunk found nowhere ("" when all were placed)
};

Placed place_hunks(const std::string& text, std::string_view old) {
  std::vector<std::string> image = lines_with_ends(old);
  // Lines an earlier hunk wrote: git never matches a later hunk on them.
  std::vector<char> written(image.size(), 0);
  const std::vector<std::string> lines = lines_with_ends(text);
  std::string out;
  for (size_t n = 0; n < lines.size();) {
    long a = 0, b = 1, c = 0, d = 1;
    if (lines[n].rfind("@@ -", 0) != 0) {
      out += lines[n++];
      continue;
    }
    const std::string& h = lines[n];
    char* e = nullptr;
    a = std::strtol(h.c_str() + 4, &e, 10);
    if (*e == ',') b = std::strtol(e + 1, &e, 10);
    if (std::strncmp(e, " +", 2) != 0) return {text, {}};
    c = std::strtol(e + 2, &e, 10);
    if (*e == ',') d = std::strtol(e + 1, &e, 10);
    if (std::strncmp(e, " @@", 3) != 0 || a < 0 || b < 0 || c < 0 || d < 0 || a > kMaxLine || c > kMaxLine)
      return {text, {}};
    const std::string tail = e;  // " @@ section heading\n"
    // The hunk's lines: pre-image (' ', '-') and post-image (' ', '+').
    std::vector<std::string> pre, post;
    size_t k = n + 1;
    // Context lines after the last change, counted as git counts them (a
    // hunk of context only has all its lines trailing), and the changes.
    long old_left = b, new_left = d, trailing = 0, changes = 0;
    while (k < lines.size() && (old_left > 0 || new_left > 0 || (k < lines.size() && lines[k].rfind("\\", 0) == 0))) {
      const std::string& l = lines[k];
      const char t = l.empty() ? ' ' : l[0];
      if (t == '\\') {  // "\ No newline at end of file": the line before has none
        const char prev = lines[k - 1].empty() ? ' ' : lines[k - 1][0];
        auto cut = [](std::vector<std::string>& side) {
          if (!side.empty() && !side.back().empty() && side.back().back() == '\n') side.back().pop_back();
        };
        if (prev != '+') cut(pre);
        if (prev != '-') cut(post);
        ++k;
        continue;
      }
      const std::string body = l.size() > 1 || (l.size() == 1 && l[0] != '\n') ? l.substr(1) : std::string("\n");
      if (t == ' ' || t == '\n') {
        pre.push_back(body);
        post.push_back(body);
        --old_left;
        --new_left;
        ++trailing;
      } else if (t == '-') {
        pre.push_back(body);
        --old_left;
        trailing = 0;
        ++changes;
      } else if (t == '+') {
        post.push_back(body);
        --new_left;
        trailing = 0;
        ++changes;
      } else {
        return {text, {}};
      }
      ++k;
    }
    if (old_left != 0 || new_left != 0) return {text, {}};
    // git's find_pos from the line the post-image numbering names: a hunk
    // that starts at line 0 or 1 must match at the file's start, one
    // without trailing context at its end (git's match_beginning and
    // match_end; with its default context limit it never retries without
    // them); no hunk matches lines an earlier one wrote.
    const bool begin = a == 0 || a == 1, end = trailing == 0;
    // `loose`: also as git's memcmp over the pre-image lets a last line
    // without its newline match an image line that has one (or trailing
    // blanks): a place git would take and then mangle.
    auto fits = [&](size_t at, bool loose) {
      if (at + pre.size() > image.size()) return false;
      if ((begin && at != 0) || (end && at + pre.size() != image.size())) return false;
      for (size_t j = 0; j < pre.size(); ++j) {
        if (written[at + j]) return false;
        if (image[at + j] == pre[j]) continue;
        const std::string& img = image[at + j];
        if (!loose || j + 1 != pre.size() || pre[j].empty() || pre[j].back() == '\n' ||
            img.compare(0, pre[j].size(), pre[j]) != 0 ||
            img.find_first_not_of(" \t\r\n", pre[j].size()) != std::string::npos)
          return false;
      }
      return true;
    };
    const size_t stated = c > 0 ? static_cast<size_t>(c - 1) : 0;
    size_t start = begin ? 0 : end ? image.size() - std::min(image.size(), pre.size()) : stated;
    start = std::min(start, image.size());
    long at = -1;
    for (size_t dist = 0; dist <= image.size() && at < 0; ++dist) {
      if (start + dist <= image.size() && fits(start + dist, true)) at = static_cast<long>(start + dist);
      else if (dist && dist <= start && fits(start - dist, true)) at = static_cast<long>(start - dist);
    }
    // Where git would match only loosely, or a hunk changes nothing (git:
    // "corrupt patch"), the patch is refused.
    if (at < 0 || !fits(static_cast<size_t>(at), false) || !changes) {
      std::string header = h;
      while (!header.empty() && (header.back() == '\n' || header.back() == '\r')) header.pop_back();
      return {text, header};
    }
    if (static_cast<size_t>(at) != stated) {
      // libgit2 applies a hunk at its "+" line (1-based; 0 for the top):
      // name the line found there and move the "-" line alike.
      const long moved = at + 1 - c;
      out += "@@ -" + std::to_string(std::max(0L, a + moved)) + "," + std::to_string(b) + " +" +
             std::to_string(at + 1) + "," + std::to_string(d) + tail;
    } else {
      out += h;
    }
    for (size_t j = n + 1; j < k; ++j) out += lines[j];
    image.erase(image.begin() + at, image.begin() + at + static_cast<long>(pre.size()));
    image.insert(image.begin() + at, post.begin(), post.end());
    written.erase(written.begin() + at, written.begin() + at + static_cast<long>(pre.size()));
    written.insert(written.begin() + at, post.size(), 1);
    n = k;
  }
  return {out, {}};
}

class Applier {
 public:
  // A section's text with its hunks placed where git apply puts them in
  // the file it changes in `parent`'s tree (place_hunks).
  Placed placed(const Section& sec, const git_oid& parent) {
    const Placed as_is{sec.text, {}};
    if (sec.old_name.empty() || sec.text.find("\n@@ -") == std::string::npos ||
        sec.text.find("\nnew file mode ") != std::string::npos)
      return as_is;
    git_commit* c = nullptr;
    if (git_commit_lookup(&c, repo_, &parent) != 0) return as_is;
    CommitPtr commit(c);
    git_tree* t = nullptr;
    if (git_commit_tree(&t, c) != 0) return as_is;
    TreePtr tree(t);
    git_tree_entry* e = nullptr;
    if (git_tree_entry_bypath(&e, t, sec.old_name.c_str()) != 0) return as_is;
    Owned<git_tree_entry, git_tree_entry_free> entry(e);
    if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) return as_is;
    git_blob* b = nullptr;
    if (git_blob_lookup(&b, repo_, git_tree_entry_id(e)) != 0) return as_is;
    BlobPtr blob(b);
    if (git_blob_is_binary(b)) return as_is;
    return place_hunks(sec.text, std::string_view(static_cast<const char*>(git_blob_rawcontent(b)),
                                                  static_cast<size_t>(git_blob_rawsize(b))));
  }

  explicit Applier(git_repository* repo) : repo_(repo) {}

  // Resolves the base commit and says why.
  bool resolve_base(const std::vector<PatchInput>& patches, const BaseHints& hints, int max_search,
                    ApplyResult& r) {
    git_oid oid;
    auto commit_of = [&](const std::string& rev, git_oid& out) {
      git_object* obj = nullptr;
      if (git_revparse_single(&obj, repo_, rev.c_str()) != 0) return false;
      ObjectPtr owner(obj);
      git_object* peeled = nullptr;
      if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) != 0) return false;
      git_oid_cpy(&out, git_object_id(peeled));
      git_object_free(peeled);
      return true;
    };
    if (!hints.override_rev.empty()) {
      if (!commit_of(hints.override_rev, oid)) {
        r.error = "--base " + hints.override_rev + ": no such commit: " + last_error();
        return false;
      }
      r.base = hex(oid);
      r.base_reason = "option";
      return true;
    }
    // The series applies on top of other patches: the newest commit on
    // HEAD's first-parent line whose patch id is the last prerequisite.
    if (!hints.prerequisites.empty()) {
      std::set<std::string> want;
      std::istringstream in(hints.prerequisites);
      for (std::string w; in >> w;) want.insert(w);
      git_oid head;
      git_revwalk* w = nullptr;
      if (git_reference_name_to_id(&head, repo_, "HEAD") == 0 && git_revwalk_new(&w, repo_) == 0) {
        RevwalkPtr walk(w);
        git_revwalk_simplify_first_parent(w);
        git_revwalk_push(w, &head);
        std::optional<git_oid> newest;
        std::set<std::string> found;
        for (int n = 0; n < max_search && found.size() < want.size() && git_revwalk_next(&oid, w) == 0; ++n) {
          for (bool renames : {true, false}) {
            std::string id = commit_patch_id(repo_, oid, renames);
            if (!want.count(id)) continue;
            if (!newest) newest = oid;
            found.insert(id);
            break;
          }
        }
        if (newest && found.size() == want.size()) {
          r.base = hex(*newest);
          r.base_reason = "prerequisite-patch-id";
          return true;
        }
      }
    }
    if (!hints.base_commit.empty() && commit_of(hints.base_commit, oid)) {
      r.base = hex(oid);
      r.base_reason = "base-commit";
      return true;
    }
    // The newest commit (first-parent from HEAD, bounded) in which every
    // pre-image blob the first patches name exists at its path.
    std::map<std::string, std::string> want;
    std::set<std::string> created;
    for (const auto& p : patches) {
      std::set<std::string> made;
      for (const auto& [path, blob] : preimage_blobs(p.diff, made))
        if (!want.count(path) && !created.count(path)) want[path] = blob;
      created.insert(made.begin(), made.end());
    }
    git_oid head;
    const bool has_head = git_reference_name_to_id(&head, repo_, "HEAD") == 0;
    if (!want.empty() && has_head) {
      git_revwalk* w = nullptr;
      if (git_revwalk_new(&w, repo_) == 0) {
        RevwalkPtr walk(w);
        git_revwalk_simplify_first_parent(w);
        git_revwalk_push(w, &head);
        for (int n = 0; n < max_search && git_revwalk_next(&oid, w) == 0; ++n) {
          git_commit* c = nullptr;
          if (git_commit_lookup(&c, repo_, &oid) != 0) continue;
          CommitPtr commit(c);
          git_tree* t = nullptr;
          if (git_commit_tree(&t, c) != 0) continue;
          TreePtr tree(t);
          bool all = true;
          for (const auto& [path, blob] : want) {
            git_tree_entry* e = nullptr;
            if (git_tree_entry_bypath(&e, t, path.c_str()) != 0) {
              all = false;
              break;
            }
            std::string id = hex(*git_tree_entry_id(e));
            git_tree_entry_free(e);
            if (id.compare(0, blob.size(), blob) != 0) {
              all = false;
              break;
            }
          }
          if (all) {
            r.base = hex(oid);
            r.base_reason = "blob-guess";
            return true;
          }
        }
      }
    }
    if (!has_head) {
      r.error = "the repository has no HEAD to apply on (pass --base)";
      return false;
    }
    r.base = hex(head);
    r.base_reason = "HEAD";
    return true;
  }

  // Applies one patch on `parent`; returns the new commit or sets `fail`.
  std::optional<git_oid> apply_one(const PatchInput& p, const git_oid& parent, ApplyFailure& fail) {
    fail.id = p.id;
    git_diff* d = nullptr;
    if (p.diff.empty()) {
      fail.reason = "no diff in the message";
      return std::nullopt;
    }
    // Empty files added or deleted without a hunk go aside; libgit2 parses
    // the rest (the sections in `parsed`).
    std::vector<Section> secs = sections(p.diff);
    std::vector<const Section*> hunkless, links, parsed;
    std::string rest;
    std::pair<std::string, std::string> refused;  // file and hunk git apply finds nowhere
    for (const auto& sec : secs) {
      if (sec.gitlink) {
        links.push_back(&sec);
        continue;
      }
      if (sec.hunkless_new || sec.hunkless_delete) {
        hunkless.push_back(&sec);
        continue;
      }
      parsed.push_back(&sec);
      Placed pl = placed(sec, parent);
      // Where git apply finds a hunk nowhere, it refuses the patch: so does
      // seam, once libgit2 has had its say (it names "already applied" or
      // "file missing" where that is the cause).
      if (!pl.bad_hunk.empty() && refused.first.empty()) refused = {sec.name, pl.bad_hunk};
      rest += pl.text;
    }
    if (!rest.empty() && git_diff_from_buffer(&d, rest.data(), rest.size()) != 0) {
      // Name the file and the line: the first section libgit2 refuses on
      // its own, and the line it names in it (or the section's first).
      std::string msg = last_error();
      for (const Section* sec : parsed) {
        git_diff* one = nullptr;
        if (git_diff_from_buffer(&one, sec->text.data(), sec->text.size()) == 0) {
          git_diff_free(one);
          continue;
        }
        msg = last_error();
        size_t line = 1;
        if (size_t k = msg.rfind("line "); k != std::string::npos && std::isdigit(static_cast<unsigned char>(msg[k + 5])))
          line = std::strtoul(msg.c_str() + k + 5, nullptr, 10);
        std::istringstream in(sec->text);
        std::string text;
        for (size_t k = 0; k < line && std::getline(in, text); ++k) {
        }
        while (!text.empty() && text.back() == '\r') text.pop_back();
        fail.path = quote_path(sec->name);
        fail.reason = "the patch cannot be parsed at line " + std::to_string(sec->first_line + line - 1) +
                      " of its diff (" + quote_path(text) + "): " + msg;
        return std::nullopt;
      }
      fail.reason = "the patch cannot be parsed: " + msg;
      return std::nullopt;
    }
    DiffPtr diff(d);
    const size_t n = d ? git_diff_num_deltas(d) : 0;
    for (size_t i = 0; i < n; ++i) {
      const git_diff_delta* delta = git_diff_get_delta(d, i);
      for (const char* path : {delta->old_file.path, delta->new_file.path}) {
        if (!path) continue;
        std::string why = unsafe_path_reason(path);
        if (!why.empty()) {
          fail.path = quote_path(path);
          fail.reason = why;
          return std::nullopt;
        }
      }
      if ((delta->flags & GIT_DIFF_FLAG_BINARY) != 0) {
        git_patch* patch = nullptr;
        // A binary delta without data ("Binary files differ") cannot be applied.
        if (git_patch_from_diff(&patch, d, i) == 0) {
          Owned<git_patch, git_patch_free> owner(patch);
          if (git_patch_num_hunks(patch) == 0 && p.diff.find("GIT binary patch") == std::string::npos) {
            fail.path = quote_path(delta->new_file.path ? delta->new_file.path : "");
            fail.reason = "binary patch without data";
            return std::nullopt;
          }
        }
      }
    }
    for (const auto* group : {&hunkless, &links}) {
      for (const Section* sec : *group) {
        std::string why = unsafe_path_reason(sec->name);
        if (!why.empty()) {
          fail.path = quote_path(sec->name);
          fail.reason = why;
          return std::nullopt;
        }
      }
    }
    git_commit* pc = nullptr;
    if (git_commit_lookup(&pc, repo_, &parent) != 0) {
      fail.reason = "base commit missing: " + last_error();
      return std::nullopt;
    }
    CommitPtr parent_commit(pc);
    git_tree* pt = nullptr;
    git_commit_tree(&pt, pc);
    TreePtr parent_tree(pt);

    // As git apply: no file may be written beyond a symbolic link, one the
    // tree has or one this patch creates.
    {
      std::map<std::string, bool> link_after;  // path -> is a symlink after the patch
      std::vector<std::string> written;
      for (size_t i = 0; i < n; ++i) {
        const git_diff_delta* delta = git_diff_get_delta(d, i);
        if (delta->old_file.path && (delta->status == GIT_DELTA_DELETED || delta->status == GIT_DELTA_RENAMED))
          link_after.emplace(delta->old_file.path, false);
        if (delta->status != GIT_DELTA_DELETED && delta->new_file.path) {
          link_after[delta->new_file.path] = delta->new_file.mode == GIT_FILEMODE_LINK;
          written.push_back(delta->new_file.path);
        }
      }
      for (const Section* sec : hunkless) {
        if (sec->hunkless_delete) link_after.emplace(sec->name, false);
        else {
          link_after[sec->name] = sec->mode == GIT_FILEMODE_LINK;
          written.push_back(sec->name);
        }
      }
      for (const Section* sec : links) {
        if (sec->link_new.empty()) link_after.emplace(sec->name, false);
        else {
          link_after[sec->name] = false;
          written.push_back(sec->name);
        }
      }
      for (const auto& path : written) {
        for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
          const std::string prefix = path.substr(0, slash);
          bool link = false;
          if (auto it = link_after.find(prefix); it != link_after.end()) {
            link = it->second;
          } else {
            git_tree_entry* e = nullptr;
            if (git_tree_entry_bypath(&e, pt, prefix.c_str()) == 0) {
              link = git_tree_entry_filemode(e) == GIT_FILEMODE_LINK;
              git_tree_entry_free(e);
            }
          }
          if (link) {
            fail.path = quote_path(path);
            fail.reason = "affected file " + quote_path(path) + " is beyond a symbolic link (" + quote_path(prefix) + ")";
            return std::nullopt;
          }
        }
      }
    }

    // git_apply_to_tree reads the whole pre-image into an index and the
    // result would be written back whole: on a kernel-sized tree that is
    // most of the cost. Apply on a small tree holding only the files the
    // patch touches, then splice the results into the full tree.
    std::set<std::string> paths;
    std::vector<git_tree_update> post;
    IndexPtr index;
    for (size_t i = 0; i < n; ++i) {
      const git_diff_delta* delta = git_diff_get_delta(d, i);
      if (delta->old_file.path) paths.insert(delta->old_file.path);
      if (delta->new_file.path) paths.insert(delta->new_file.path);
    }
    std::vector<git_tree_update> pre;
    std::set<std::string> existed;
    for (const auto& path : paths) {
      git_tree_entry* e = nullptr;
      if (git_tree_entry_bypath(&e, pt, path.c_str()) != 0) continue;
      Owned<git_tree_entry, git_tree_entry_free> owner(e);
      if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) continue;
      git_tree_update u{};
      u.action = GIT_TREE_UPDATE_UPSERT;
      git_oid_cpy(&u.id, git_tree_entry_id(e));
      u.filemode = git_tree_entry_filemode(e);
      u.path = existed.insert(path).first->c_str();
      pre.push_back(u);
    }
    git_oid mini_oid;
    if (d && git_tree_create_updated(&mini_oid, repo_, empty_tree(), pre.size(), pre.data()) != 0) {
      fail.reason = "cannot prepare the pre-image: " + last_error();
      return std::nullopt;
    }
    git_tree* mt = nullptr;
    if (d) git_tree_lookup(&mt, repo_, &mini_oid);
    TreePtr mini(mt);

    if (d) {
    Tracker track;
    git_apply_options ao = GIT_APPLY_OPTIONS_INIT;
    ao.delta_cb = on_delta;
    ao.hunk_cb = on_hunk;
    ao.payload = &track;
    git_index* idx = nullptr;
    if (git_apply_to_tree(&idx, repo_, mt, d, &ao) != 0) {
      const std::string msg = last_error();
      fail.path = quote_path(track.path);
      fail.hunk = track.hunk;
      fail.reason = classify_failure(msg, d, mt);
      return std::nullopt;
    }
    index.reset(idx);
    if (!refused.first.empty()) {
      fail.path = quote_path(refused.first);
      fail.hunk = refused.second;
      fail.reason = "context does not match";
      return std::nullopt;
    }
    // A new file where the tree has one (and the patch does not delete it
    // first): git refuses; libgit2 applies the hunk to what is there.
    for (size_t i = 0; i < n; ++i) {
      const git_diff_delta* delta = git_diff_get_delta(d, i);
      if (delta->status != GIT_DELTA_ADDED || !delta->new_file.path) continue;
      bool deleted = false;
      for (size_t j = 0; j < n; ++j) {
        const git_diff_delta* other = git_diff_get_delta(d, j);
        if (other->status == GIT_DELTA_DELETED && other->old_file.path &&
            std::strcmp(other->old_file.path, delta->new_file.path) == 0)
          deleted = true;
      }
      git_tree_entry* e = nullptr;
      if (deleted || git_tree_entry_bypath(&e, pt, delta->new_file.path) != 0) continue;
      git_tree_entry_free(e);
      fail.path = quote_path(delta->new_file.path);
      fail.reason = "file already exists";
      return std::nullopt;
    }
    // libgit2 deletes a file whose first lines match the hunk; git apply
    // insists the hunks cover the whole file.
    for (size_t i = 0; i < n; ++i) {
      const git_diff_delta* delta = git_diff_get_delta(d, i);
      if (delta->status != GIT_DELTA_DELETED || (delta->flags & GIT_DIFF_FLAG_BINARY) || !delta->old_file.path) continue;
      git_patch* patch = nullptr;
      if (git_patch_from_diff(&patch, d, i) != 0) continue;
      Owned<git_patch, git_patch_free> owner(patch);
      size_t covered = 0;
      for (size_t h = 0; h < git_patch_num_hunks(patch); ++h) {
        const git_diff_hunk* hunk = nullptr;
        size_t lines = 0;
        if (git_patch_get_hunk(&hunk, &lines, patch, h) == 0) covered += static_cast<size_t>(hunk->old_lines);
      }
      git_tree_entry* e = nullptr;
      if (git_tree_entry_bypath(&e, pt, delta->old_file.path) != 0) continue;
      Owned<git_tree_entry, git_tree_entry_free> entry(e);
      git_blob* b = nullptr;
      if (git_blob_lookup(&b, repo_, git_tree_entry_id(e)) != 0) continue;
      BlobPtr blob(b);
      std::string_view data(static_cast<const char*>(git_blob_rawcontent(b)), static_cast<size_t>(git_blob_rawsize(b)));
      size_t lines = static_cast<size_t>(std::count(data.begin(), data.end(), '\n'));
      if (!data.empty() && data.back() != '\n') ++lines;
      if (lines != covered) {
        fail.path = quote_path(delta->old_file.path);
        fail.reason = "removal patch leaves file contents";
        return std::nullopt;
      }
    }
    for (const auto& path : paths) {
      const git_index_entry* ie = git_index_get_bypath(idx, path.c_str(), 0);
      git_tree_update u{};
      u.path = path.c_str();
      if (ie) {
        u.action = GIT_TREE_UPDATE_UPSERT;
        git_oid_cpy(&u.id, &ie->id);
        u.filemode = static_cast<git_filemode_t>(ie->mode);
      } else if (existed.count(path)) {
        u.action = GIT_TREE_UPDATE_REMOVE;
      } else {
        continue;
      }
      post.push_back(u);
    }
    }  // d
    // The empty files added or deleted without a hunk.
    git_oid empty_blob;
    if (!hunkless.empty() && git_blob_create_from_buffer(&empty_blob, repo_, "", 0) != 0) {
      fail.reason = "cannot write a blob: " + last_error();
      return std::nullopt;
    }
    for (const Section* sec : hunkless) {
      fail.path = quote_path(sec->name);
      git_tree_entry* e = nullptr;
      const bool exists = git_tree_entry_bypath(&e, pt, sec->name.c_str()) == 0 || paths.count(sec->name);
      Owned<git_tree_entry, git_tree_entry_free> owner(e);
      git_tree_update u{};
      u.path = sec->name.c_str();
      if (sec->hunkless_new) {
        if (exists) {
          fail.reason = "file already exists";
          return std::nullopt;
        }
        u.action = GIT_TREE_UPDATE_UPSERT;
        u.id = empty_blob;
        u.filemode = sec->mode == GIT_FILEMODE_BLOB_EXECUTABLE ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
      } else {
        if (!e || git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
          fail.reason = "file missing";
          return std::nullopt;
        }
        if (!git_oid_equal(git_tree_entry_id(e), &empty_blob)) {
          fail.reason = "removal patch leaves file contents";
          return std::nullopt;
        }
        u.action = GIT_TREE_UPDATE_REMOVE;
      }
      post.push_back(u);
    }
    // The submodules: the commit a gitlink names before must be the one the
    // tree has (git apply checks the "Subproject commit" line as context).
    for (const Section* sec : links) {
      fail.path = quote_path(sec->name);
      git_tree_entry* e = nullptr;
      git_tree_entry_bypath(&e, pt, sec->name.c_str());
      Owned<git_tree_entry, git_tree_entry_free> owner(e);
      if (sec->link_old.empty() && (e || paths.count(sec->name))) {
        fail.reason = "file already exists";
        return std::nullopt;
      }
      if (!sec->link_old.empty()) {
        if (!e) {
          fail.reason = "file missing";
          return std::nullopt;
        }
        if (git_tree_entry_filemode(e) != GIT_FILEMODE_COMMIT ||
            hex(*git_tree_entry_id(e)) != sec->link_old) {
          fail.reason = "context does not match";
          return std::nullopt;
        }
      }
      git_tree_update u{};
      u.path = sec->name.c_str();
      if (sec->link_new.empty()) {
        u.action = GIT_TREE_UPDATE_REMOVE;
      } else {
        if (sec->link_new.size() != GIT_OID_HEXSZ || git_oid_fromstr(&u.id, sec->link_new.c_str()) != 0) {
          fail.reason = "the patch names no full submodule commit id (" + escape_controls(sec->link_new) + ")";
          return std::nullopt;
        }
        u.action = GIT_TREE_UPDATE_UPSERT;
        u.filemode = GIT_FILEMODE_COMMIT;
      }
      post.push_back(u);
    }
    fail.path.clear();
    git_oid tree_oid;
    if (git_tree_create_updated(&tree_oid, repo_, pt, post.size(), post.data()) != 0) {
      fail.reason = "cannot write tree: " + last_error();
      return std::nullopt;
    }
    git_tree* nt = nullptr;
    git_tree_lookup(&nt, repo_, &tree_oid);
    TreePtr new_tree(nt);
    git_signature* author = nullptr;
    const std::string author_name = git_utf8(p.author_name.empty() ? p.author_email : p.author_name);
    const std::string author_email = git_utf8(p.author_email), message = git_utf8(p.message);
    if (git_signature_new(&author, author_name.c_str(), author_email.c_str(), p.date, p.tz_minutes) != 0) {
      fail.reason = "bad author: " + last_error();
      return std::nullopt;
    }
    SigPtr author_owner(author);
    git_signature* committer = nullptr;
    if (git_signature_default(&committer, repo_) != 0 &&
        git_signature_now(&committer, "seam", "seam@localhost") != 0) {
      fail.reason = "no committer identity: " + last_error();
      return std::nullopt;
    }
    SigPtr committer_owner(committer);
    git_oid commit_oid;
    const git_commit* parents[] = {pc};
    // No "encoding" header: the text is UTF-8, which git (and git am) never
    // names; libgit2 would write "encoding UTF-8" into the commit.
    if (git_commit_create(&commit_oid, repo_, nullptr, author, committer, nullptr, message.c_str(), nt, 1,
                          parents) != 0) {
      fail.reason = "cannot create commit: " + last_error();
      return std::nullopt;
    }
    return commit_oid;
  }

 private:
  // The empty tree, made once per repository.
  git_tree* empty_tree() {
    if (!empty_) {
      git_treebuilder* tb = nullptr;
      git_oid oid;
      git_tree* t = nullptr;
      if (git_treebuilder_new(&tb, repo_, nullptr) == 0) {
        if (git_treebuilder_write(&oid, tb) == 0) git_tree_lookup(&t, repo_, &oid);
        git_treebuilder_free(tb);
      }
      empty_.reset(t);
    }
    return empty_.get();
  }

  std::string classify_failure(const std::string& msg, git_diff* d, git_tree* tree) {
    // Already applied: the reverse of the patch applies cleanly.
    git_diff* rev = nullptr;
    git_buf buf = GIT_BUF_INIT;
    if (git_diff_to_buf(&buf, d, GIT_DIFF_FORMAT_PATCH) == 0) {
      std::string text(buf.ptr, buf.size);
      git_buf_dispose(&buf);
      std::string reversed = reverse_patch(text);
      if (!reversed.empty() && git_diff_from_buffer(&rev, reversed.data(), reversed.size()) == 0) {
        DiffPtr owner(rev);
        git_apply_options ao = GIT_APPLY_OPTIONS_INIT;
        ao.flags = GIT_APPLY_CHECK;
        git_index* idx = nullptr;
        if (git_apply_to_tree(&idx, repo_, tree, rev, &ao) == 0) {
          git_index_free(idx);
          return "already applied";
        }
      }
    }
    if (msg.find("does not exist") != std::string::npos || msg.find("not found") != std::string::npos)
      return "file missing";
    if (msg.find("already exists") != std::string::npos) return "file already exists";
    if (msg.find("hunk") != std::string::npos || msg.find("does not apply") != std::string::npos ||
        msg.find("did not apply") != std::string::npos)
      return "context does not match";
    return msg;
  }

  // Swaps old and new sides of a unified diff (enough for the
  // already-applied test on text patches).
  static std::string reverse_patch(const std::string& text) {
    std::istringstream in(text);
    std::string line, out;
    while (std::getline(in, line)) {
      if (line.rfind("GIT binary patch", 0) == 0) return {};
      // File names stay: libgit2 checks them against the "diff --git" line.
      if (line.rfind("--- ", 0) == 0 || line.rfind("+++ ", 0) == 0) {
        out += line + "\n";
        continue;
      }
      if (line.rfind("@@ -", 0) == 0) {
        auto plus = line.find(" +");
        auto end = line.find(" @@", plus);
        if (plus == std::string::npos || end == std::string::npos) return {};
        out += "@@ -" + line.substr(plus + 2, end - plus - 2) + " +" + line.substr(4, plus - 4) + line.substr(end) + "\n";
        continue;
      }
      if (line.rfind("new file mode", 0) == 0) line = "deleted file mode" + line.substr(13);
      else if (line.rfind("deleted file mode", 0) == 0) line = "new file mode" + line.substr(17);
      else if (!line.empty() && line[0] == '+' ) line[0] = '-';
      else if (!line.empty() && line[0] == '-') line[0] = '+';
      else if (line.rfind("index ", 0) == 0) continue;
      out += line + "\n";
    }
    return out;
  }

  git_repository* repo_;
  TreePtr empty_;
};

}  // namespace

std::string quote_path(const std::string& path) {
  bool plain = true;
  for (unsigned char c : path)
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') plain = false;
  if (plain) return path;
  std::string out = "\"";
  for (unsigned char c : path) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          const char oct[] = {'\\', static_cast<char>('0' + (c >> 6)), static_cast<char>('0' + ((c >> 3) & 7)),
                              static_cast<char>('0' + (c & 7)), 0};
          out += oct;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string unsafe_path_reason(const std::string& path) {
  if (path.empty()) return "empty path";
  const std::string q = quote_path(path);
  if (path[0] == '/') return "absolute path " + q + " would escape the repository";
  std::string comp;
  std::istringstream in(path);
  while (std::getline(in, comp, '/')) {
    if (comp == "..") return "path " + q + " would escape the repository (..)";
    std::string lower;
    for (char c : comp) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == ".git") return "path " + q + " is inside .git";
  }
  if (path.find('\0') != std::string::npos) return "path with a NUL byte";
  return {};
}

ApplyResult apply_patches(const std::string& repo_path, const std::vector<PatchInput>& patches,
                          const BaseHints& hints, const ApplyOptions& opts) {
  ensure_init();
  ApplyResult r;
  r.objects = opts.objects;
  if (!r.objects) {
    r.objects = Scratch::open(repo_path, r.error);
    if (!r.objects) return r;
  }
  git_repository* repo = r.objects->repo();

  // The branch is accepted (or refused) before anything is applied.
  std::string ref;
  if (opts.write_branch) {
    ref = opts.branch.rfind("refs/", 0) == 0 ? opts.branch : "refs/heads/" + opts.branch;
    int valid = 0;
    if (ref.rfind("refs/heads/", 0) != 0 || git_reference_name_is_valid(&valid, ref.c_str()) != 0 || !valid) {
      r.error = "--branch " + quote_path(opts.branch) + ": not a valid branch name";
      return r;
    }
    const std::string shown = ref.substr(11);
    git_reference* existing = nullptr;
    if (git_reference_lookup(&existing, repo, ref.c_str()) == 0) {
      RefPtr owner(existing);
      if (git_branch_is_checked_out(existing) == 1) {
        r.error = "branch " + shown + " is checked out; apply onto another branch";
        return r;
      }
      if (!opts.force) {
        r.error = "branch " + shown + " already exists (use --force to replace it)";
        return r;
      }
    } else {
      // HEAD may name a branch that has no commit yet.
      git_reference* head = nullptr;
      if (git_reference_lookup(&head, repo, "HEAD") == 0) {
        RefPtr owner(head);
        if (git_reference_type(head) == GIT_REFERENCE_SYMBOLIC && git_reference_symbolic_target(head) &&
            ref == git_reference_symbolic_target(head)) {
          r.error = "branch " + shown + " is checked out; apply onto another branch";
          return r;
        }
      }
    }
  }

  Applier applier(repo);
  if (!applier.resolve_base(patches, hints, opts.max_base_search, r)) return r;
  // Refuse unsafe paths of any patch before anything is written.
  for (const auto& p : patches) {
    std::istringstream in(p.diff);
    std::string line;
    while (std::getline(in, line)) {
      while (!line.empty() && (line.back() == '\r' || line.back() == '\t')) line.pop_back();
      std::string path;
      for (const char* pre : {"--- a/", "+++ b/", "rename from ", "rename to ", "copy from ", "copy to "})
        if (line.rfind(pre, 0) == 0) path = line.substr(std::string(pre).size());
      if (line.rfind("--- /", 0) == 0 && line != "--- /dev/null") path = line.substr(4);
      if (line.rfind("+++ /", 0) == 0 && line != "+++ /dev/null") path = line.substr(4);
      if (!path.empty() && path[0] == '"') {
        size_t i = 0;
        path = take_name(path, i, true);
      }
      if (line.rfind("diff --git ", 0) == 0) {
        auto [a, b] = git_names(line);
        for (const auto& part : {a, b}) {
          std::string why = unsafe_path_reason(part);
          if (!why.empty()) {
            r.failed = ApplyFailure{p.id, quote_path(part), "", why};
            return r;
          }
        }
      }
      if (!path.empty()) {
        std::string why = unsafe_path_reason(path);
        if (!why.empty()) {
          r.failed = ApplyFailure{p.id, quote_path(path), "", why};
          return r;
        }
      }
    }
  }

  git_oid tip;
  git_oid_fromstr(&tip, r.base.c_str());
  for (const auto& p : patches) {
    ApplyFailure fail;
    auto c = applier.apply_one(p, tip, fail);
    if (!c) {
      fail.hunk = escape_controls(fail.hunk);
      fail.reason = escape_controls(fail.reason);
      r.failed = fail;
      break;
    }
    tip = *c;
    r.applied.emplace_back(p.id, hex(tip));
  }
  if (r.failed && !opts.partial) return r;
  if (r.applied.empty() || !opts.write_branch) return r;
  // Everything is accepted: the objects go into the repository, then the branch.
  if (std::string why = r.objects->publish(); !why.empty()) {
    r.error = repo_path + ": " + why;
    return r;
  }
  git_reference* out = nullptr;
  if (git_reference_create(&out, repo, ref.c_str(), &tip, opts.force ? 1 : 0, "seam apply") != 0) {
    r.error = "cannot write branch " + ref.substr(11) + ": " + last_error();
    return r;
  }
  RefPtr ref_owner(out);
  r.branch = ref.substr(11);
  if (opts.checkout) {
    git_object* obj = nullptr;
    git_object_lookup(&obj, repo, &tip, GIT_OBJECT_COMMIT);
    ObjectPtr owner(obj);
    git_checkout_options co = GIT_CHECKOUT_OPTIONS_INIT;
    co.checkout_strategy = GIT_CHECKOUT_SAFE;
    if (git_checkout_tree(repo, obj, &co) != 0 || git_repository_set_head(repo, ref.c_str()) != 0)
      r.error = "branch " + r.branch + " written, but checkout failed: " + last_error();
  }
  return r;
}

}  // namespace seam::git
