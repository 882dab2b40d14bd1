// mail/body: MIME bodies decoded to UTF-8 text and patch parts, on the
// project's own fixtures in tests/data/mime/ (see the README there).
#include <glib.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "mail/parse/body.hpp"
#include "tests/support.hpp"

using namespace seam::mail;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream f(seam::test::data("mime/" + name), std::ios::binary);
  REQUIRE_MESSAGE(f, "missing fixture " << name);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

bool valid_utf8(const std::string& s) { return g_utf8_validate(s.data(), static_cast<gssize>(s.size()), nullptr); }

bool has_problem(const MessageBody& b, std::string_view word) {
  for (const auto& p : b.problems)
    if (p.find(word) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_SUITE("mail/body") {
  TEST_CASE("body: quoted-printable latin-1: soft breaks, =XX, charset to UTF-8") {
    auto b = decode_message_body(fixture("qp-latin1.eml"));
    REQUIRE(b.parts.size() == 1);
    const auto& p = b.parts[0];
    CHECK(p.kind == PartKind::text);
    CHECK(p.content_type == "text/plain");
    CHECK(p.charset == "ISO-8859-1");
    CHECK_FALSE(p.lossy);
    CHECK(p.text ==
          "The café parser was naïve about long lines that are wrapped with a soft line break, and about a "
          "trailing space \nand an equals sign = here.\n\nSigned-off-by: René Dupont <rene@example.org>\n");
    CHECK(b.problems.empty());
    CHECK_FALSE(b.html_only());
  }

  TEST_CASE("body: base64 UTF-8") {
    auto b = decode_message_body(fixture("base64-utf8.eml"));
    REQUIRE(b.parts.size() == 1);
    CHECK(b.parts[0].text == "Grüße aus Köln — ünïcødé ✓\nsecond line\n");
    CHECK_FALSE(b.parts[0].lossy);
  }

  TEST_CASE("body: 8bit KOI8-R") {
    auto b = decode_message_body(fixture("koi8r-8bit.eml"));
    REQUIRE(b.parts.size() == 1);
    CHECK(b.parts[0].charset == "KOI8-R");
    CHECK(b.parts[0].text == "Привет, мир!\nРевью: готово.\n");
  }

  TEST_CASE("body: undeclared 8-bit text that is not UTF-8 is read as windows-1252") {
    auto b = decode_message_body(fixture("undeclared-8bit.eml"));
    REQUIRE(b.parts.size() == 1);
    CHECK(b.parts[0].charset.empty());
    CHECK(b.parts[0].text == "A naïve “quoted” word – from Windows.\n");
    CHECK_FALSE(b.parts[0].lossy);
  }

  TEST_CASE("body: invalid bytes in declared UTF-8 become U+FFFD and flag the part") {
    auto b = decode_message_body(fixture("bad-utf8.eml"));
    REQUIRE(b.parts.size() == 1);
    const auto& t = b.parts[0].text;
    CHECK(valid_utf8(t));
    CHECK(t.starts_with("ok é then bad \xEF\xBF\xBD"));
    CHECK(t.find("bytes and a cut \xEF\xBF\xBD") != std::string::npos);
    CHECK(b.parts[0].lossy);
    CHECK(has_problem(b, "charset"));
  }

  TEST_CASE("body: multipart/mixed: cover text, patch attachments; images and forwards skipped") {
    auto b = decode_message_body(fixture("multipart-patch.eml"));
    REQUIRE(b.parts.size() == 3);

    CHECK(b.parts[0].kind == PartKind::text);
    CHECK(b.parts[0].text == "Cover text: the fix is attached.\n");
    CHECK_FALSE(b.parts[0].attachment);

    const auto& inline_patch = b.parts[1];
    CHECK(inline_patch.kind == PartKind::patch);
    CHECK(inline_patch.content_type == "text/x-patch");
    CHECK(inline_patch.filename == "0001-rust-fix-the-thing.patch");
    CHECK(inline_patch.attachment);
    CHECK(inline_patch.text.starts_with("From 1111111111111111111111111111111111111111 Mon Sep 17"));
    CHECK(inline_patch.text.ends_with("-// old\n+// new: café\n"));

    // application/octet-stream counts by its name.
    const auto& diff = b.parts[2];
    CHECK(diff.kind == PartKind::patch);
    CHECK(diff.content_type == "application/octet-stream");
    CHECK(diff.filename == "fix.diff");
    CHECK(diff.text == "diff --git a/drivers/x.c b/drivers/x.c\n--- a/drivers/x.c\n+++ b/drivers/x.c\n"
                       "@@ -1 +1 @@\n-int x;\n+int y;\n");

    const std::string all = b.joined();
    CHECK(all.find("Somebody else's words") == std::string::npos);
    CHECK(all.find("Epilogue") == std::string::npos);
    CHECK(all.find("PNG") == std::string::npos);
    CHECK(all.find("Cover text") < all.find("rust/kernel/thing.rs"));
    CHECK(all.find("rust/kernel/thing.rs") < all.find("drivers/x.c"));
  }

  TEST_CASE("body: multipart/alternative keeps the text/plain part only") {
    auto b = decode_message_body(fixture("alternative.eml"));
    REQUIRE(b.parts.size() == 1);
    CHECK(b.parts[0].kind == PartKind::text);
    CHECK(b.parts[0].text == "Plain words.\n");
    CHECK_FALSE(b.html_only());
  }

  TEST_CASE("body: HTML-only mail keeps its HTML, flagged") {
    auto b = decode_message_body(fixture("html-only.eml"));
    REQUIRE(b.parts.size() == 1);
    CHECK(b.parts[0].kind == PartKind::html);
    CHECK(b.parts[0].content_type == "text/html");
    CHECK(b.parts[0].text == "<html><body><p>Café <b>review</b> “done”.</p></body></html>\n");
    CHECK(b.html_only());
  }

  TEST_CASE("body: broken base64: what is readable is kept, the damage is reported") {
    auto b = decode_message_body(fixture("broken-base64.eml"));
    REQUIRE(b.parts.size() == 1);
    CHECK(b.parts[0].text.starts_with("hello broken world\n"));
    CHECK(valid_utf8(b.parts[0].text));
    CHECK(b.parts[0].lossy);
    CHECK(has_problem(b, "base64"));
  }

  TEST_CASE("body: multipart without boundary: its content survives as text") {
    auto b = decode_message_body(fixture("missing-boundary.eml"));
    REQUIRE(b.parts.size() == 1);
    CHECK(b.parts[0].kind == PartKind::text);
    CHECK(b.parts[0].text.find("diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-a\n+b\n") != std::string::npos);
    CHECK(has_problem(b, "boundary"));
  }

  TEST_CASE("body: multipart/signed: the signature is not text") {
    auto b = decode_message_body(fixture("signed.eml"));
    REQUIRE(b.parts.size() == 1);
    CHECK(b.parts[0].text == "Reviewed-by: Someone <someone@example.org>\n");
  }

  TEST_CASE("body: CRLF: the transport's line ends go, base64 content keeps its CRs") {
    auto b = decode_message_body(fixture("crlf.eml"));
    REQUIRE(b.parts.size() == 2);
    CHECK(b.parts[0].text == "transport line ends\nare CRLF here\n");
    CHECK(b.parts[1].kind == PartKind::patch);
    CHECK(b.parts[1].text == "line one\r\nline two\r\n");
  }

  TEST_CASE("body: hostile input never throws and yields valid UTF-8") {
    CHECK(decode_message_body("").parts.empty());

    std::string junk;
    for (int i = 0; i < 4096; ++i) junk += static_cast<char>((i * 131 + 7) % 256);
    MessageBody b;
    CHECK_NOTHROW(b = decode_message_body(junk));
    for (const auto& p : b.parts) CHECK(valid_utf8(p.text));

    // Multiparts nested far deeper than any real mail.
    std::ostringstream deep;
    deep << "From: a@example.org\nSubject: deep\nMIME-Version: 1.0\n";
    const int levels = 200;
    for (int i = 0; i < levels; ++i)
      deep << "Content-Type: multipart/mixed; boundary=\"b" << i << "\"\n\n--b" << i << "\n";
    deep << "Content-Type: text/plain\n\ninnermost\n";
    for (int i = levels - 1; i >= 0; --i) deep << "--b" << i << "--\n";
    CHECK_NOTHROW(b = decode_message_body(deep.str()));
    CHECK(has_problem(b, "nested too deep"));
  }

  TEST_CASE("body: RFC 2047 header values (tests/data/mime/rfc2047-values.tsv)") {
    std::istringstream rows(fixture("rfc2047-values.tsv"));
    std::string row;
    int n = 0;
    while (std::getline(rows, row)) {
      auto tab = row.find('\t');
      REQUIRE(tab != std::string::npos);
      std::string encoded = row.substr(0, tab), expected = row.substr(tab + 1);
      // The fixture writes folds as \n and \t escapes.
      for (auto [esc, ch] : {std::pair{"\\n", "\n"}, std::pair{"\\t", "\t"}})
        for (size_t p; (p = encoded.find(esc)) != std::string::npos;) encoded.replace(p, 2, ch);
      CAPTURE(encoded);
      const std::string got = decode_header_text(encoded);
      CHECK(got == expected);
      CHECK(valid_utf8(got));
      ++n;
    }
    CHECK(n >= 15);
  }

  TEST_CASE("body: helpers: transfer decoding, strict and lossy charset conversion") {
    CHECK(decode_transfer("aGVsbG8=", TransferEncoding::base64) == "hello");
    CHECK(decode_transfer("a=3Db=\nc", TransferEncoding::quoted_printable) == "a=bc");
    CHECK(decode_transfer("as is", TransferEncoding::identity) == "as is");
    CHECK(decode_q_word("caf=C3=A9_au_lait") == "café au lait");
    CHECK(parse_transfer_encoding(" Base64 ") == TransferEncoding::base64);
    CHECK(parse_transfer_encoding("QUOTED-PRINTABLE") == TransferEncoding::quoted_printable);
    CHECK(parse_transfer_encoding("8bit") == TransferEncoding::identity);

    CHECK(same_charset("utf8", "UTF-8"));
    CHECK(same_charset("ISO-8859-1", "iso-8859-1"));
    CHECK_FALSE(same_charset("latin1", "ISO-8859-1"));

    CHECK(convert_charset("caf\xe9", "latin1", "UTF-8") == std::optional<std::string>("café"));
    CHECK(convert_charset("café", "UTF-8", "ISO-8859-1") == std::optional<std::string>("caf\xe9"));
    CHECK_FALSE(convert_charset("bad \xff", "UTF-8", "ISO-8859-1"));
    CHECK_FALSE(convert_charset("x", "no-such-charset", "UTF-8"));

    bool lossy = false;
    CHECK(to_utf8("caf\xe9", "ISO-8859-1", &lossy) == "café");
    CHECK_FALSE(lossy);
    CHECK(to_utf8("abc", "no-such-charset", &lossy) == "abc");
    CHECK(lossy);
    lossy = false;
    CHECK(to_utf8("a\xff", "utf-8", &lossy) == "a\xEF\xBF\xBD");
    CHECK(lossy);
  }

  TEST_CASE("encoded-words for headers seam writes: UTF-8 B words of at most 45 bytes, folded, read back whole") {
    CHECK(encode_header_words("Jos\xc3\xa9") == "=?UTF-8?B?Sm9zw6k=?=");
    // 60 two-byte characters after an odd start: no word may split one.
    std::string long_text = "x";
    for (int i = 0; i < 60; ++i) long_text += "\xc3\xa9";
    const std::string enc = encode_header_words(long_text);
    size_t words = 0;
    for (size_t at = 0, nl; at < enc.size(); at = nl + 2) {
      nl = enc.find("\n ", at);
      if (nl == std::string::npos) nl = enc.size();
      const std::string word = enc.substr(at, nl - at);
      ++words;
      CHECK(word.rfind("=?UTF-8?B?", 0) == 0);
      CHECK(word.size() <= 75);
      // Each word alone decodes to valid UTF-8 (no sequence was cut).
      const std::string alone = decode_header_text(word);
      CHECK(alone.find("\xef\xbf\xbd") == std::string::npos);
    }
    CHECK(words == 3);  // 121 bytes: 45 (x and 22 pairs), 45, 31
    CHECK(decode_header_text(enc) == long_text);
    CHECK(encode_header_words("").empty());
  }
}
