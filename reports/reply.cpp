#include "reports/reply.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>

#include "mail/parse/body.hpp"

namespace seam::reports {

namespace {

// A header value from hostile mail on one line: control characters dropped
// (tabs become spaces), nothing else changed.
std::string one_line(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\t') out += ' ';
    else if (c >= 0x20 && c != 0x7f) out += static_cast<char>(c);
    else if (c == '\n' || c == '\r') out += ' ';
  }
  size_t b = out.find_first_not_of(' ');
  if (b == std::string::npos) return {};
  return out.substr(b, out.find_last_not_of(' ') - b + 1);
}

bool ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// An addr-spec we can write as it is: printable ASCII, one '@', no specials.
bool plain_address(const std::string& e) {
  if (e.empty() || e.size() > 254 || e.find('@') == std::string::npos || e.front() == '@' || e.back() == '@')
    return false;
  for (unsigned char c : e)
    if (c <= 0x20 || c >= 0x7f || std::string_view("<>()[],;:\"\\").find(static_cast<char>(c)) != std::string_view::npos)
      return false;
  return std::count(e.begin(), e.end(), '@') == 1;
}

// A message-id token: printable ASCII without <, > and spaces.
bool plain_msgid(const std::string& id) {
  if (id.empty() || id.size() > 500) return false;
  for (unsigned char c : id)
    if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>') return false;
  return true;
}

std::string mailbox(const core::Address& a) {
  const std::string name = one_line(a.name);
  if (name.empty() || lower(name) == lower(a.email)) return a.email;
  std::string enc = encode_header_value(name);
  if (enc == name && name.find_first_of("()<>@,;:\\\".[]") != std::string::npos) {
    std::string q = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') q += '\\';
      q += c;
    }
    enc = q + "\"";
  }
  return enc + " <" + a.email + ">";
}

// Addresses as a folded header value, each once (by address, case-folded),
// leaving out those in `skip`.
std::string address_list(const std::vector<core::Address>& as, std::set<std::string>& skip) {
  std::string out;
  for (const auto& a : as) {
    if (!plain_address(a.email) || !skip.insert(lower(a.email)).second) continue;
    out += (out.empty() ? "" : ",\n ") + mailbox(a);
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t nl = s.find('\n', i);
    std::string l = s.substr(i, (nl == std::string::npos ? s.size() : nl) - i);
    if (!l.empty() && l.back() == '\r') l.pop_back();
    out.push_back(std::move(l));
    if (nl == std::string::npos) break;
    i = nl + 1;
  }
  return out;
}

// Remark text as lines of the mail: CRs and other controls but tabs dropped.
std::string remark_text(const std::string& t) {
  std::string out;
  for (unsigned char c : t)
    if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f)) out += static_cast<char>(c);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string substitute(const std::string& tpl, const std::map<std::string, std::string>& vars) {
  std::string out;
  size_t i = 0;
  while (i < tpl.size()) {
    size_t d = tpl.find("${", i);
    if (d == std::string::npos) {
      out += tpl.substr(i);
      break;
    }
    out += tpl.substr(i, d - i);
    size_t e = tpl.find('}', d);
    auto it = e == std::string::npos ? vars.end() : vars.find(tpl.substr(d + 2, e - d - 2));
    if (it == vars.end()) {
      out += "${";
      i = d + 2;
      continue;
    }
    out += it->second;
    i = e + 1;
  }
  return out;
}

}  // namespace

std::string encode_header_value(const std::string& raw) {
  const std::string v = one_line(raw);
  if (ascii(v)) return v;
  return mail::encode_header_words(v);
}

std::string raw_header(std::string_view raw, std::string_view name) {
  std::string want = lower(std::string(name)) + ":";
  std::string current;
  auto matches = [&](const std::string& h) -> bool {
    return h.size() >= want.size() && lower(h.substr(0, want.size())) == want;
  };
  size_t i = 0;
  while (i < raw.size()) {
    size_t nl = raw.find('\n', i);
    std::string_view l = raw.substr(i, (nl == std::string_view::npos ? raw.size() : nl) - i);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    if (l.empty()) break;  // end of the header
    if ((l[0] == ' ' || l[0] == '\t') && !current.empty()) current += " " + std::string(l.substr(1));
    else {
      if (matches(current)) break;
      current = std::string(l);
    }
    if (nl == std::string_view::npos) break;
    i = nl + 1;
  }
  if (!matches(current)) return {};
  return one_line(current.substr(want.size()));
}

std::string reply_body(const ReplyOriginal& o, const std::vector<ReplyRemark>& remarks) {
  const std::vector<std::string> lines = split_lines(o.body);
  const size_t n = lines.size();
  std::vector<int> new_line(n, 0);
  std::vector<std::string> path(n);
  std::vector<size_t> file_start(n, SIZE_MAX), hunk_start(n, SIZE_MAX);
  std::string cur;
  size_t fs = SIZE_MAX, hs = SIZE_MAX;
  int nl = 0, left_old = 0, left_new = 0;
  for (size_t i = 0; i < n; ++i) {
    const std::string& l = lines[i];
    const char c = l.empty() ? ' ' : l[0];
    if ((left_old > 0 || left_new > 0) && (c == ' ' || c == '+' || c == '-' || c == '\\')) {  // inside a hunk
      if (c == ' ' || c == '+') {
        new_line[i] = nl++;
        --left_new;
        if (c == ' ') --left_old;
      } else if (c == '-') {
        --left_old;
      }
      path[i] = cur;
      file_start[i] = fs;
      hunk_start[i] = hs;
      continue;
    }
    left_old = left_new = 0;
    if (l.rfind("diff --git ", 0) == 0) {
      fs = i;
      cur.clear();
    } else if (l.rfind("+++ ", 0) == 0) {
      cur = l.substr(4);
      if (cur.rfind("b/", 0) == 0) cur = cur.substr(2);
      if (size_t tab = cur.find('\t'); tab != std::string::npos) cur.resize(tab);
    } else if (l.rfind("@@ -", 0) == 0) {
      // @@ -a[,b] +c[,d] @@
      int a = 0, b = 1, c = 0, d = 1;
      if (std::sscanf(l.c_str(), "@@ -%d,%d +%d,%d", &a, &b, &c, &d) == 4) {
      } else if (std::sscanf(l.c_str(), "@@ -%d +%d,%d", &a, &c, &d) == 3) {
        b = 1;
      } else if (std::sscanf(l.c_str(), "@@ -%d,%d +%d", &a, &b, &c) == 3) {
        d = 1;
      } else if (std::sscanf(l.c_str(), "@@ -%d +%d", &a, &c) == 2) {
        b = d = 1;
      }
      hs = i;
      nl = c;
      left_old = b;
      left_new = d;
    }
    path[i] = cur;
    file_start[i] = fs;
    hunk_start[i] = hs;
  }
  std::vector<bool> shown(n, false);
  std::map<size_t, std::vector<const ReplyRemark*>> at;
  std::vector<const ReplyRemark*> top;
  for (const auto& r : remarks) {
    size_t found = SIZE_MAX;
    if (r.line > 0)
      for (size_t i = 0; i < n && found == SIZE_MAX; ++i)
        if (new_line[i] == r.line && path[i] == r.path) found = i;
    if (found == SIZE_MAX) {
      top.push_back(&r);
      continue;
    }
    at[found].push_back(&r);
    if (file_start[found] != SIZE_MAX) shown[file_start[found]] = true;
    const size_t h = hunk_start[found];
    if (h != SIZE_MAX) shown[h] = true;
    const size_t from = found >= 5 ? found - 5 : 0;
    for (size_t k = std::max(from, h == SIZE_MAX ? from : h + 1); k <= found; ++k) shown[k] = true;
  }
  std::string out;
  for (const auto* r : top) {
    if (r->line > 0) out += r->path + ":" + std::to_string(r->line) + ":\n";
    out += remark_text(r->text) + "\n\n";
  }
  bool collapsed = false;
  for (size_t i = 0; i < n; ++i) {
    if (!shown[i]) {
      if (!collapsed && !at.empty()) out += "> [...]\n";
      collapsed = true;
      continue;
    }
    collapsed = false;
    out += lines[i].empty() ? ">\n" : "> " + lines[i] + "\n";
    if (auto it = at.find(i); it != at.end())
      for (const auto* r : it->second) out += "\n" + remark_text(r->text) + "\n\n";
  }
  return out;
}

std::string reply_message(const ReplyOriginal& o, const std::vector<ReplyRemark>& remarks, const ReplyOptions& opts) {
  std::string body = reply_body(o, remarks);
  const std::string myname = one_line(opts.me.name);
  if (opts.reviewed_by && plain_address(opts.me.email))
    body += "\nReviewed-by: " + (myname.empty() ? opts.me.email : myname + " <" + opts.me.email + ">") + "\n";
  const std::string fromname = one_line(o.from.name.empty() ? o.from.email : o.from.name);
  std::string firstname = fromname;
  if (size_t comma = firstname.find(','); comma != std::string::npos) firstname = one_line(firstname.substr(comma + 1));
  if (size_t sp = firstname.find(' '); sp != std::string::npos) firstname.resize(sp);
  const std::map<std::string, std::string> vars = {
      {"reply", body},
      {"fromname", fromname},
      {"firstname", firstname},
      {"subject", one_line(o.subject)},
      {"sentdate", one_line(o.date_raw)},
      {"msgid", plain_msgid(o.msgid) ? "<" + o.msgid + ">" : ""},
      {"myname", myname},
      {"myemail", plain_address(opts.me.email) ? opts.me.email : ""},
      {"signature", remark_text(opts.signature)}};
  std::string tpl = opts.template_text;
  if (tpl.empty()) {
    tpl = "On ${sentdate}, ${fromname} wrote:\n${reply}";
    if (!remark_text(opts.signature).empty()) tpl += "\n-- \n${signature}\n";
  }
  std::string text = substitute(tpl, vars);
  // LF line ends only; the body ends with one.
  text.erase(std::remove(text.begin(), text.end(), '\r'), text.end());
  while (text.size() > 1 && text.back() == '\n' && text[text.size() - 2] == '\n') text.pop_back();
  if (text.empty() || text.back() != '\n') text += '\n';

  std::string h;
  std::set<std::string> seen;
  if (plain_address(opts.me.email)) {
    h += "From: " + mailbox(opts.me) + "\n";
    seen.insert(lower(opts.me.email));
  }
  std::vector<core::Address> to;
  for (const auto& a : o.reply_to)
    if (plain_address(a.email)) to.push_back(a);
  if (to.empty()) to.push_back(o.from);
  std::set<std::string> skip_to;  // the sender is written even when it is me
  const std::string to_list = address_list(to, skip_to);
  h += "To: " + to_list + "\n";
  for (const auto& e : skip_to) seen.insert(e);
  std::vector<core::Address> cc = o.to;
  cc.insert(cc.end(), o.cc.begin(), o.cc.end());
  if (std::string c = address_list(cc, seen); !c.empty()) h += "Cc: " + c + "\n";
  std::string subject = one_line(o.subject);
  if (lower(subject.substr(0, 3)) != "re:") subject = "Re: " + subject;
  h += "Subject: " + encode_header_value(subject) + "\n";
  if (!opts.date.empty()) h += "Date: " + one_line(opts.date) + "\n";
  if (plain_msgid(opts.message_id)) h += "Message-ID: <" + opts.message_id + ">\n";
  if (plain_msgid(o.msgid)) {
    h += "In-Reply-To: <" + o.msgid + ">\n";
    std::vector<std::string> refs;
    std::set<std::string> once;
    for (const auto& r : o.references)
      if (plain_msgid(r) && r != o.msgid && once.insert(r).second) refs.push_back(r);
    refs.push_back(o.msgid);
    h += "References:";
    for (size_t i = 0; i < refs.size(); ++i) h += (i ? "\n <" : " <") + refs[i] + ">";
    h += "\n";
  }
  h += "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n";
  return h + "\n" + text;
}

std::string reply_ready(const std::string& draft) {
  const size_t end = draft.find("\n\n");
  const std::string head = draft.substr(0, end == std::string::npos ? draft.size() : end + 1);
  if (head.rfind("From: ", 0) != 0 && head.find("\nFrom: ") == std::string::npos)
    return "it has no From: header (set git config user.name and user.email)";
  if (head.find("\nTo: \n") != std::string::npos || head.find("\nTo: ") == std::string::npos)
    return "no recipient (the original has no usable From or Reply-To)";
  size_t i = 0;
  while ((i = draft.find("${", i)) != std::string::npos) {
    size_t e = draft.find('}', i);
    if (e != std::string::npos && e - i < 40) {
      const std::string name = draft.substr(i + 2, e - i - 2);
      if (!name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }))
        return "placeholder ${" + name + "} left in the draft";
    }
    i += 2;
  }
  size_t start = 0;
  while (start < draft.size()) {
    size_t nl = draft.find('\n', start);
    if ((nl == std::string::npos ? draft.size() : nl) - start > 998) return "a line longer than 998 bytes";
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return {};
}

std::string reply_mbox(const std::vector<std::string>& drafts) {
  std::string out;
  for (const auto& d : drafts) {
    out += "From seam Thu Jan  1 00:00:00 1970\n";
    size_t i = 0;
    while (i < d.size()) {
      size_t nl = d.find('\n', i);
      std::string_view l = std::string_view(d).substr(i, (nl == std::string::npos ? d.size() : nl) - i);
      size_t k = 0;
      while (k < l.size() && l[k] == '>') ++k;
      if (l.substr(k, 5) == "From ") out += '>';
      out += l;
      out += '\n';
      if (nl == std::string::npos) break;
      i = nl + 1;
    }
    out += "\n";
  }
  return out;
}

}  // namespace seam::reports
