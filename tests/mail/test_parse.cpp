// mail::parse_message and its helpers: the header of one raw message turned
// into seam's Message, whatever the sender's software wrote.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "mail/parse/parse.hpp"
#include "tests/support.hpp"

using seam::core::Message;
using seam::mail::parse_address_list;
using seam::mail::parse_message;

namespace {

// A strict UTF-8 check (no overlongs, no surrogates, nothing past U+10FFFF).
bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return false;
    if (i + n >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return false;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

// Parses and requires success.
Message parsed(std::string_view raw) {
  auto r = parse_message(raw);
  REQUIRE_MESSAGE(r.message, "rejected: " << r.error);
  return *r.message;
}

// A message whose header is `fields` (each ending in "\n") plus a Message-ID
// unless `fields` brings one.
std::string with_header(const std::string& fields, const std::string& body = "body\n") {
  std::string h = fields;
  if (h.find("Message-ID:") == std::string::npos && h.find("Message-Id:") == std::string::npos)
    h += "Message-ID: <generated@example.org>\n";
  return h + "\n" + body;
}

Message with_subject(const std::string& raw_subject) {
  return parsed(with_header("From: a@example.org\nSubject: " + raw_subject + "\n"));
}

Message with_date(const std::string& raw_date) {
  return parsed(with_header("From: a@example.org\nSubject: date\nDate: " + raw_date + "\n"));
}

}  // namespace

TEST_SUITE("mail/parse") {
  TEST_CASE("a full header: RFC 2047 in subject and names, groups, zone, references, list id") {
    const std::string raw = seam::test::read_bytes(seam::test::data("ingest/headers-rfc2047.eml"));
    REQUIRE_FALSE(raw.empty());
    const Message m = parsed(raw);
    CHECK(m.msgid == "20250304.hdr-2047@example.org");
    CHECK_FALSE(m.synthetic_id);
    // A UTF-8 B word, then a folded ISO-8859-1 Q word whose leading '_' is a space.
    CHECK(m.subject == "[PATCH v2 1/3] rust: add Übersetzung für Zeichen");
    CHECK(m.from.name == "René François");
    CHECK(m.from.email == "rene@example.org");
    // Recipients stay as written; parse_address_list decodes and flattens them.
    CHECK(m.to_raw.find("=?UTF-8?B?") != std::string::npos);
    CHECK(m.to_raw.find('\n') == std::string::npos);  // unfolded
    auto to = parse_address_list(m.to_raw);
    REQUIRE(to.size() == 3);  // Éloïse, then the group's two members; the empty group adds none
    CHECK(to[0].name == "Éloïse Zürcher");
    CHECK(to[0].email == "eloise@example.org");
    CHECK(to[1].name == "Doe, Jane");
    CHECK(to[1].email == "jane@example.org");
    CHECK(to[2].name == "Jörg");
    CHECK(to[2].email == "joerg@example.org");
    auto cc = parse_address_list(m.cc_raw);
    REQUIRE(cc.size() == 1);
    CHECK(cc[0].name == "Søren");  // lower-case charset and encoding letter
    CHECK(cc[0].email == "soren@example.org");
    REQUIRE(m.date);
    CHECK(*m.date == 1741078800);  // 2025-03-04 09:00 UTC
    CHECK(m.tz_minutes == 330);
    CHECK(m.date_ok);
    CHECK(m.date_raw == "Tue, 04 Mar 2025 14:30:00 +0530");
    CHECK(m.in_reply_to == "cover.1741000000.git.rene@example.org");
    CHECK(m.references == std::vector<std::string>{"root-0@example.org", "cover.1741000000.git.rene@example.org",
                                                   "20250303.earlier@example.org"});
    CHECK(m.list_id == "rust-for-linux.vger.kernel.org");
    CHECK(m.size == raw.size());
    // What the subject says about the series.
    CHECK(m.facts.has_patch_tag);
    CHECK(m.facts.version == 2);
    CHECK(m.facts.index == 1);
    CHECK(m.facts.total == 3);
  }

  TEST_CASE("RFC 2047: Q and B, UTF-8 and ISO-8859-1, joining and literal text") {
    CHECK(with_subject("=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=").subject == "Grüße aus Köln");
    CHECK(with_subject("=?ISO-8859-1?B?Q2Fm6SBjcuhtZQ==?=").subject == "Café crème");
    CHECK(with_subject("=?iso-8859-1?q?Caf=E9?= au lait").subject == "Café au lait");
    CHECK(with_subject("=?utf-8?b?w6Q=?=").subject == "ä");
    // Whitespace between two encoded words is no text (RFC 2047 6.2)...
    CHECK(with_subject("=?UTF-8?Q?a?= =?UTF-8?Q?b?=").subject == "ab");
    CHECK(with_subject("=?UTF-8?Q?a?=\n =?UTF-8?Q?b?=").subject == "ab");
    // ...but other text between them is.
    CHECK(with_subject("=?UTF-8?Q?a?= and =?UTF-8?Q?b?=").subject == "a and b");
    // A padded B word followed by more text (git send-email writes these).
    CHECK(with_subject("=?UTF-8?B?w6Q=?= tail").subject == "ä tail");
    CHECK(with_subject("head =?UTF-8?B?w6Q=?= =?UTF-8?B?w7Y=?= tail").subject == "head äö tail");
    // A character split across two words survives.
    CHECK(with_subject("=?UTF-8?Q?=C3?= =?UTF-8?Q?=A4?=").subject == "ä");
    // Mixed charsets in one header.
    CHECK(with_subject("=?ISO-8859-1?Q?=E9?= =?UTF-8?Q?=C3=A9?=").subject == "éé");
    // Not an encoded word: kept literally.
    CHECK(with_subject("=?UTF-8?Q?unterminated").subject == "=?UTF-8?Q?unterminated");
    CHECK(with_subject("plain ASCII [PATCH] subject").subject == "plain ASCII [PATCH] subject");
  }

  TEST_CASE("RFC 2047 that cannot be decoded still gives valid UTF-8") {
    for (const char* s : {"=?UTF-8?Q?bad=FF=FEbytes?=", "=?x-no-such-charset?Q?abc?=", "=?UTF-8?B?////?=",
                          "=?UTF-8?B?not base64 at all?=", "=?ISO-2022-JP?B?GyRCJEskWyRzGyhC?="}) {
      CAPTURE(s);
      const Message m = with_subject(s);
      CHECK(valid_utf8(m.subject));
    }
    CHECK(with_subject("=?UTF-8?Q?bad=FF=FEbytes?=").subject.find("bad") != std::string::npos);
    CHECK(with_subject("=?x-no-such-charset?Q?abc?=").subject.find("abc") != std::string::npos);
  }

  TEST_CASE("display names: encoded words with a comma, plain addresses, broken From") {
    auto m = parsed(with_header("From: =?UTF-8?Q?M=C3=BCller=2C_J=C3=BCrgen?= <jm@example.org>\nSubject: x\n"));
    CHECK(m.from.name == "Müller, Jürgen");
    CHECK(m.from.email == "jm@example.org");
    auto bare = parsed(with_header("From: bare@example.org\nSubject: x\n"));
    CHECK(bare.from.name.empty());
    CHECK(bare.from.email == "bare@example.org");
    auto quoted = parsed(with_header("From: \"Torvalds, Linus\" <torvalds@example.org>\nSubject: x\n"));
    CHECK(quoted.from.name == "Torvalds, Linus");
    CHECK(quoted.from.email == "torvalds@example.org");
    // Not an address at all: accepted, nothing invented, still UTF-8.
    auto broken = parsed(with_header("From: \xff\xfe <<<\nSubject: x\n"));
    CHECK(valid_utf8(broken.from.name));
    CHECK(valid_utf8(broken.from.email));
  }

  TEST_CASE("raw 8-bit latin-1 headers become valid UTF-8") {
    const std::string raw = seam::test::read_bytes(seam::test::data("ingest/headers-latin1-raw.eml"));
    REQUIRE(raw.find('\xe9') != std::string::npos);  // the fixture really is 8-bit
    const Message m = parsed(raw);
    CHECK(m.subject == "Résumé des révisions");
    CHECK(m.from.name == "Jürgen Müller");
    CHECK(m.from.email == "jm@example.org");
    CHECK(valid_utf8(m.to_raw));
    REQUIRE(m.date);
    CHECK(*m.date == 1741191300);
    CHECK(m.tz_minutes == -480);
    // Raw UTF-8 is valid as it is and stays.
    CHECK(with_subject("Grüße \xe2\x9c\x93").subject == "Grüße \xe2\x9c\x93");
  }

  TEST_CASE("raw 8-bit latin-1 in To and Cc is converted, not replaced") {
    const Message m = parsed(seam::test::read_bytes(seam::test::data("ingest/headers-latin1-raw.eml")));
    auto to = parse_address_list(m.to_raw);
    REQUIRE(to.size() == 1);
    CHECK(to[0].email == "f@example.org");
    CHECK(to[0].name == "Françoise");
  }

  TEST_CASE("dates: zones, named zones, comments, missing weekday, folding") {
    struct Case {
      const char* raw;
      int64_t unix;
      int tz;
    } cases[] = {
        {"Tue, 04 Mar 2025 14:30:00 +0530", 1741078800, 330},
        {"Wed, 05 Mar 2025 08:15:00 -0800", 1741191300, -480},
        {"Thu, 06 Mar 2025 10:00:00 +0000", 1741255200, 0},
        {"Thu, 06 Mar 2025 11:00:00 +0100", 1741255200, 60},
        {"Thu, 6 Mar 2025 10:00:00 GMT", 1741255200, 0},
        {"6 Mar 2025 10:00:00 +0000", 1741255200, 0},
        {"Thu, 06 Mar 2025 10:00:00 +0000 (UTC)", 1741255200, 0},
        {"Thu, 06 Mar 2025 05:00:00 EST", 1741255200, -300},
        {"Thu, 06 Mar 2025 15:45:00 +0545", 1741255200, 345},
        {"Thu, 06 Mar 2025\n 10:00:00 +0000", 1741255200, 0},
    };
    for (const auto& c : cases) {
      CAPTURE(c.raw);
      const Message m = with_date(c.raw);
      CHECK(m.date_ok);
      REQUIRE(m.date);
      CHECK(*m.date == c.unix);
      CHECK(m.tz_minutes == c.tz);
    }
  }

  TEST_CASE("a zone that cannot be read does not give a wrong date marked good") {
    const Message colon = with_date("Thu, 06 Mar 2025 15:30:00 +05:30");
    CHECK((!colon.date_ok || (colon.date == int64_t{1741255200} && colon.tz_minutes == 330)));
    const Message bogus = with_date("Thu, 06 Mar 2025 10:00:00 +2500");
    CHECK_FALSE(bogus.date_ok);
    CHECK(bogus.date_raw == "Thu, 06 Mar 2025 10:00:00 +2500");
  }

  TEST_CASE("dates: the written zone is checked against GMime's reading") {
    // A readable zone GMime misses is applied to the time written.
    const Message colon = with_date("Thu, 06 Mar 2025 02:00:00 -08:00");
    CHECK(colon.date_ok);
    CHECK(colon.date == int64_t{1741255200});
    CHECK(colon.tz_minutes == -480);
    // Unreadable zones, or a zone glued to the time (GMime misreads the time): no date.
    for (const char* raw : {"Thu, 06 Mar 2025 10:00:00 +0099", "Thu, 06 Mar 2025 10:00:00 +05",
                            "Thu, 06 Mar 2025 10:00:00 -25:00", "Thu, 06 Mar 2025 10:00:00+0100"}) {
      CAPTURE(raw);
      const Message m = with_date(raw);
      CHECK_FALSE(m.date_ok);
      CHECK_FALSE(m.date.has_value());
      CHECK(m.date_raw == raw);
    }
    // Comments, named and military zones and a missing zone keep GMime's reading.
    CHECK(with_date("Thu, 06 Mar 2025 11:00:00 +0100 (CET)").date == int64_t{1741255200});
    CHECK(with_date("Thu, 06 Mar 2025 11:00:00 (CET) +0100").date == int64_t{1741255200});
    CHECK(with_date("Thu, 06 Mar 2025 10:00:00").date_ok);
    CHECK(with_date("Thu, 06 Mar 2025 11:00:00 A").date == int64_t{1741255200});
    // Raw 8-bit in the header is read as windows-1252, as in Subject.
    CHECK(with_date("Thu, 06 M\xe4r 2025 ??").date_raw == "Thu, 06 Mär 2025 ??");
  }

  TEST_CASE("a malformed or missing date is no error: kept raw, date_ok false") {
    const Message m = parsed(seam::test::read_bytes(seam::test::data("ingest/date-malformed.eml")));
    CHECK_FALSE(m.date_ok);
    CHECK_FALSE(m.date.has_value());
    CHECK(m.date_raw == "yesterday, around teatime");
    CHECK(m.subject == "when was this sent?");
    CHECK(m.msgid == "date-malformed@example.org");

    const Message none = parsed(with_header("From: a@example.org\nSubject: no date\n"));
    CHECK_FALSE(none.date_ok);
    CHECK_FALSE(none.date.has_value());
    CHECK(none.date_raw.empty());

    const Message eight = with_date("Thu, 06 M\xe4r 2025 ??");
    CHECK_FALSE(eight.date_ok);
    CHECK(valid_utf8(eight.date_raw));
  }

  TEST_CASE("Message-ID: brackets, comments, missing or empty gives a stable synthetic id") {
    CHECK(parsed(with_header("From: a@x.org\nMessage-ID: <plain@example.org>\n")).msgid == "plain@example.org");
    CHECK(parsed(with_header("From: a@x.org\nMessage-ID:   <spaced@example.org>  (a comment)\n")).msgid ==
          "spaced@example.org");
    CHECK(parsed(with_header("From: a@x.org\nMessage-ID:\n <folded@example.org>\n")).msgid == "folded@example.org");
    CHECK(parsed(with_header("From: a@x.org\nmessage-id: <lower@example.org>\n")).msgid == "lower@example.org");
    CHECK(parsed(with_header("From: a@x.org\nMESSAGE-ID: <upper@example.org>\n")).msgid == "upper@example.org");
    const Message nob = parsed(with_header("From: a@x.org\nMessage-ID: nobrackets@example.org\n"));
    CHECK(nob.msgid == "nobrackets@example.org");
    CHECK_FALSE(nob.synthetic_id);

    const std::string raw = seam::test::small_mail("unused@example.org");
    const std::string no_id = raw.substr(0, raw.find("Message-ID:")) + raw.substr(raw.find('\n', raw.find("Message-ID:")) + 1);
    REQUIRE(no_id.find("Message-ID") == std::string::npos);
    const Message a = parsed(no_id), b = parsed(no_id);
    CHECK(a.synthetic_id);
    CHECK(a.msgid == b.msgid);  // same bytes, same id: re-ingesting is stable
    CHECK(a.msgid.size() > std::string("@seam.synthetic").size());
    CHECK(a.msgid.find("@seam.synthetic") != std::string::npos);
    const Message c = parsed(no_id + "one more line\n");
    CHECK(c.synthetic_id);
    CHECK(c.msgid != a.msgid);  // other bytes, other id

    const Message empty = parsed(with_header("From: a@x.org\nSubject: e\nMessage-ID: <>\n"));
    CHECK(empty.synthetic_id);
    CHECK_FALSE(empty.msgid.empty());
    const Message blank = parsed(with_header("From: a@x.org\nSubject: e\nMessage-ID:    \n"));
    CHECK(blank.synthetic_id);
  }

  TEST_CASE("References and In-Reply-To") {
    const Message m = parsed(with_header(
        "From: a@x.org\nSubject: refs\n"
        "In-Reply-To: <parent@example.org> (Jane Doe's message of \"Thu, 06 Mar 2025\")\n"
        "References: <root@example.org>\n\t<mid@example.org>   <parent@example.org>\n"));
    CHECK(m.in_reply_to == "parent@example.org");
    CHECK(m.references == std::vector<std::string>{"root@example.org", "mid@example.org", "parent@example.org"});

    const Message two = parsed(with_header("From: a@x.org\nIn-Reply-To: <first@example.org> <second@example.org>\n"));
    CHECK(two.in_reply_to == "first@example.org");
    CHECK(two.references.empty());

    const Message none = parsed(with_header("From: a@x.org\nSubject: root\n"));
    CHECK(none.in_reply_to.empty());
    CHECK(none.references.empty());

    // Junk between ids does not lose the ids around it.
    const Message junk = parsed(with_header("From: a@x.org\nReferences: <a@example.org> junk <b@example.org>\n"));
    CHECK(junk.references == std::vector<std::string>{"a@example.org", "b@example.org"});
  }

  TEST_CASE("References separated by commas keep every id") {
    const Message m = parsed(with_header(
        "From: a@x.org\nReferences: <a@example.org>, <b@example.org>,\n <c@example.org>\n"));
    std::string joined;
    for (const auto& r : m.references) joined += (joined.empty() ? "" : " ") + r;
    CHECK(joined == "a@example.org b@example.org c@example.org");
  }

  TEST_CASE("References and In-Reply-To: other separators and phrases between ids") {
    const Message m = parsed(with_header(
        "From: a@x.org\nReferences: <a@example.org>; <b@example.org>. <c@example.org> (see <x@y>, too) "
        "\"q, <d\" <e@example.org>\n"
        "In-Reply-To: Jane's message of Thu, 06 Mar 2025 10:00:00 +0000 <p@example.org>\n"));
    CHECK(m.references ==
          std::vector<std::string>{"a@example.org", "b@example.org", "c@example.org", "e@example.org"});
    CHECK(m.in_reply_to == "p@example.org");
  }

  TEST_CASE("List-Id: with a description, bare in brackets, without brackets") {
    CHECK(parsed(with_header("From: a@x.org\nList-Id: Linux kbuild <linux-kbuild.vger.kernel.org>\n")).list_id ==
          "linux-kbuild.vger.kernel.org");
    CHECK(parsed(with_header("From: a@x.org\nList-Id: <bare.lists.example.org>\n")).list_id ==
          "bare.lists.example.org");
    CHECK(parsed(with_header("From: a@x.org\nList-Id: nobrackets.example.org\n")).list_id == "nobrackets.example.org");
    CHECK(parsed(with_header("From: a@x.org\nList-Id: =?UTF-8?Q?Liste_f=C3=BCr_alle?= <l.example.org>\n")).list_id ==
          "l.example.org");
    CHECK(parsed(with_header("From: a@x.org\n")).list_id.empty());
  }

  TEST_CASE("field names: any case; first Subject wins; repeated To and Cc add up") {
    const Message m = parsed(with_header(
        "FROM: first@example.org\nsubject: first subject\nSUBJECT: second subject\n"
        "To: a@example.org\nTo: b@example.org\ncc: c@example.org\nCC: d@example.org, e@example.org\n"));
    CHECK(m.from.email == "first@example.org");
    CHECK(m.subject == "first subject");
    CHECK(parse_address_list(m.to_raw).size() == 2);
    CHECK(parse_address_list(m.cc_raw).size() == 3);
  }

  TEST_CASE("folded headers and CRLF line ends") {
    const Message f = parsed(with_header("From: a@x.org\nSubject: [PATCH 1/2]\n\tfolded\n   twice\n"));
    CHECK(f.subject == "[PATCH 1/2] folded twice");
    const std::string crlf =
        "From: CR LF <crlf@example.org>\r\nSubject: =?UTF-8?Q?K=C3=B6ln?=\r\n and more\r\n"
        "Date: Thu, 06 Mar 2025 10:00:00 +0000\r\nMessage-ID: <crlf@example.org>\r\n"
        "References: <r1@example.org>\r\n <r2@example.org>\r\n\r\nbody\r\n";
    const Message c = parsed(crlf);
    CHECK(c.msgid == "crlf@example.org");
    CHECK(c.subject == "Köln and more");
    CHECK(c.from.name == "CR LF");
    CHECK(c.from.email == "crlf@example.org");
    CHECK(c.date_ok);
    CHECK(c.references == std::vector<std::string>{"r1@example.org", "r2@example.org"});
    CHECK(c.size == crlf.size());
  }

  TEST_CASE("what is not a mail message is rejected with a reason, never thrown") {
    for (std::string raw : {std::string(), std::string("\n\nbody only\n"), std::string("just some text\nno fields\n"),
                            std::string("X-Mailer: nothing else\nX-Other: x\n\nbody\n"),
                            std::string("\0\0\0\xff\xfe", 5)}) {
      CAPTURE(raw);
      seam::mail::ParseResult r;
      CHECK_NOTHROW(r = parse_message(raw));
      CHECK_FALSE(r.message);
      CHECK_FALSE(r.error.empty());
    }
    // One of From, Date, Subject, Message-ID is enough; a header without a body too.
    CHECK(parse_message("Subject: only a subject\n").message);
    CHECK(parse_message("From: a@example.org").message);
  }

  TEST_CASE("hostile input: NULs, huge lines, binary noise; every string valid UTF-8") {
    std::string raw = "From: \xc3\x28 <a@example.org>\nSubject: ";
    raw += std::string(1 << 20, 'x');
    raw += std::string("\0\x01\x80\xff", 4);
    raw += "\nMessage-ID: <\xff\xfe@example.org>\nList-Id: <\x80\x81>\nIn-Reply-To: <\xfe@x>\nDate: \xff\n\n";
    raw += std::string("\0body\xff", 6);
    const Message m = parsed(raw);
    for (const std::string* s : {&m.msgid, &m.subject, &m.from.name, &m.from.email, &m.to_raw, &m.cc_raw,
                                 &m.date_raw, &m.in_reply_to, &m.list_id}) {
      CHECK(valid_utf8(*s));
    }
    for (const auto& r : m.references) CHECK(valid_utf8(r));
    CHECK(m.subject.size() >= (1u << 20));
  }

  TEST_CASE("parse_address_list: lists, groups, empty") {
    CHECK(parse_address_list("").empty());
    auto two = parse_address_list("a@example.org, B Person <b@example.org>");
    REQUIRE(two.size() == 2);
    CHECK(two[0].email == "a@example.org");
    CHECK(two[0].name.empty());
    CHECK(two[1].name == "B Person");
    CHECK(two[1].email == "b@example.org");
    auto grp = parse_address_list("Team: x@example.org, \"Y, Why\" <y@example.org>;, z@example.org");
    REQUIRE(grp.size() == 3);
    CHECK(grp[0].email == "x@example.org");
    CHECK(grp[1].name == "Y, Why");
    CHECK(grp[2].email == "z@example.org");
    CHECK(parse_address_list("undisclosed-recipients:;").empty());
    auto enc = parse_address_list("=?ISO-8859-1?Q?Fran=E7oise?= <f@example.org>");
    REQUIRE(enc.size() == 1);
    CHECK(enc[0].name == "Françoise");
  }

  TEST_CASE("make_valid_utf8") {
    std::string ok = "Grüße ✓";
    seam::mail::make_valid_utf8(ok);
    CHECK(ok == "Grüße ✓");
    std::string bad = "a\xff" "b\xc3";
    seam::mail::make_valid_utf8(bad);
    CHECK(valid_utf8(bad));
    CHECK(bad.find('a') == 0);
    CHECK(bad.find("\xef\xbf\xbd") != std::string::npos);  // U+FFFD
  }
}
