// mail/mailinfo: git mailinfo's rules on inputs of our own. The expected
// outputs are what git mailinfo prints for the same input (checked against
// git 2.39 when these were written); the t5100 vectors themselves are run
// by test_mailinfo_peer.cpp.
#include "mail/parse/mailinfo.hpp"
#include "tests/support.hpp"

using namespace seam::mail;

namespace {

MailinfoResult run(const std::string& mail, MailinfoOptions o = {}) { return mailinfo(mail, o); }

std::string subject_of(const std::string& subject, MailinfoOptions o = {}) {
  return run("Subject: " + subject + "\n", o).info;
}

}  // namespace

TEST_SUITE("mail/mailinfo") {
  TEST_CASE("mailinfo: subject cleanup: default, -k, -b (the cases of t5100's script)") {
    CHECK(subject_of("[PATCH] [other] [PATCH] message") == "Subject: message\n\n");
    MailinfoOptions keep;
    keep.keep_subject = true;
    CHECK(subject_of("[PATCH] [other] [PATCH] message", keep) == "Subject: [PATCH] [other] [PATCH] message\n\n");
    MailinfoOptions b;
    b.keep_non_patch_brackets = true;
    CHECK(subject_of("[other] message", b) == "Subject: [other] message\n\n");
    CHECK(subject_of("[PATCH] [other] message", b) == "Subject: [other] message\n\n");
    CHECK(subject_of("[PATCH] [PATCH] message", b) == "Subject: message\n\n");
    CHECK(subject_of("[other] [PATCH] message", b) == "Subject: [other] message\n\n");
    CHECK(subject_of("[PATCH] [other] [PATCH] message", b) == "Subject: [other] message\n\n");
    CHECK(subject_of("Re: re: [PATCH v2 3/7] rust: x: y", {}) == "Subject: rust: x: y\n\n");
    CHECK(subject_of("Really: not a reply") == "Subject: Really: not a reply\n\n");
  }

  TEST_CASE("mailinfo: unusual header whitespace, unterminated quoted string and comment") {
    CHECK(run("From:Real Name <user@example.com>\nSubject:    extra spaces\n").info ==
          "Author: Real Name\nEmail: user@example.com\nSubject: extra spaces\n\n");
    CHECK(run("From: bob \"unterminated string smith <bob@example.com>\n").info ==
          "Author: bob unterminated string smith\nEmail: bob@example.com\n\n");
    CHECK(run("From: bob (unterminated comment smith <bob@example.com>\n").info ==
          "Author: bob (unterminated comment smith\nEmail: bob@example.com\n\n");
  }

  TEST_CASE("mailinfo: \"From \" lines in the body stay in the message") {
    // t5100's mboxrd case after mailsplit --mboxrd unescaped ">From ".
    auto r = run(
        "From mboxrd Mon Sep 17 00:00:00 2001\nFrom: trailing spacer <sp@example.com>\n"
        "Subject: [PATCH] a commit with trailing space\n\nFrom \nFrom \n\n");
    CHECK(r.msg == "From \nFrom \n\n");
    CHECK(r.ok);
  }

  TEST_CASE("mailinfo: nothing but whitespace is an empty patch") {
    auto r = run(" \n\t\n");
    CHECK(r.empty);
    CHECK_FALSE(r.ok);
    CHECK(r.info.empty());
  }

  TEST_CASE("mailinfo: charsets: -u re-encodes header words and message, -n keeps bytes, the patch is never touched") {
    const std::string mail =
        "From: =?ISO-8859-1?Q?Ren=E9?= <r@example.org>\nSubject: =?utf-8?q?caf=C3=A9?=\n"
        "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\n"
        "na=EFve\n---\n+caf=E9\n";
    auto u = run(mail);
    CHECK(u.info == "Author: René\nEmail: r@example.org\nSubject: café\n\n");
    CHECK(u.msg == "naïve\n");
    CHECK(u.patch == "---\n+caf\xe9\n");

    MailinfoOptions n;
    n.charset.reset();
    auto raw = run(mail, n);
    CHECK(raw.info == "Author: Ren\xe9\nEmail: r@example.org\nSubject: café\n\n");
    CHECK(raw.msg == "na\xefve\n");

    // --encoding as git documents it (git itself ignores the value).
    MailinfoOptions latin1;
    latin1.charset = "ISO-8859-1";
    auto l = run(mail, latin1);
    CHECK(l.info == "Author: Ren\xe9\nEmail: r@example.org\nSubject: caf\xe9\n\n");
    CHECK(l.msg == "na\xefve\n");
  }

  TEST_CASE("mailinfo: format=flowed lines are joined, the signature separator kept") {
    auto r = run(
        "From: a <a@example.org>\nSubject: flowed\nContent-Type: text/plain; format=flowed; delsp=yes\n\n"
        "This is a long line that was wrap \nped by the client and \n continues here.\n-- \nsig\n---\npatch\n");
    CHECK(r.msg == "This is a long line that was wrapped by the client andcontinues here.\n-- \nsig\n");
    CHECK(r.patch == "---\npatch\n");
  }

  TEST_CASE("mailinfo: git's input errors: status 1, output as git leaves it") {
    SUBCASE("a malformed encoded-word stops the run and stays undecoded") {
      auto r = run("From: a <a@example.org>\nSubject: =?utf-8?q?never\n\nbody\n---\npatch\n");
      CHECK_FALSE(r.ok);
      CHECK(r.info == "Author: a\nEmail: a@example.org\nSubject: =?utf-8?q?never\n\n");
      CHECK(r.msg.empty());
      CHECK(r.patch.empty());
    }
    SUBCASE("a NUL byte in a decoded header") {
      auto r = run(std::string("From: a <a@example.org>\nSubject: =?utf-8?q?a=00b?=\n\nbody\n---\npatch\n"));
      CHECK_FALSE(r.ok);
      CHECK(r.info == "Author: a\nEmail: a@example.org\nSubject: a\n\n");
      CHECK(r.msg == "body\n");
      CHECK(r.diagnostics == std::vector<std::string>{"error: a NUL byte in 'Subject' is not allowed."});
    }
    SUBCASE("a charset iconv does not know") {
      auto r = run("From: a <a@example.org>\nSubject: x\nContent-Type: text/plain; charset=x-nonexistent\n\nbod\xe9\n"
                   "---\npatch\n");
      CHECK_FALSE(r.ok);
      CHECK(r.msg.empty());
      CHECK(r.diagnostics == std::vector<std::string>{"error: cannot convert from x-nonexistent to UTF-8"});
      MailinfoOptions n;
      n.charset.reset();
      CHECK(run("Content-Type: text/plain; charset=x-nonexistent\n\nbod\xe9\n", n).ok);  // -n converts nothing
    }
    SUBCASE("more nested boundaries than git keeps") {
      std::string mail = "From: a <a@example.org>\nSubject: deep\n";
      for (int i = 1; i <= 6; ++i) mail += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) + "\"\n";
      mail += "\n--b6\nContent-Type: text/plain\n\nhello\n---\npatch\n--b6--\n";
      auto r = run(mail);
      CHECK_FALSE(r.ok);
      CHECK(r.diagnostics == std::vector<std::string>(2, "error: Too many boundaries to handle"));
    }
  }

  TEST_CASE("mailinfo: multipart: part headers, transfer encodings, and the empty line git adds at each end boundary") {
    auto r = run(
        "From: a <a@example.org>\nSubject: [PATCH] mp\nContent-Type: multipart/mixed; boundary=\"xx\"\n\n"
        "preamble\n--xx\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        "Qm9keSB0ZXh0Lgo=\n--xx\nContent-Type: text/x-patch\n\n---\n+x\n--xx--\nepilogue\n");
    CHECK(r.ok);
    CHECK(r.msg == "Body text.\n");
    CHECK(r.patch == "---\n+x\n\n");
    CHECK(r.info == "Author: a\nEmail: a@example.org\nSubject: mp\n\n");
  }

  TEST_CASE("mailinfo: hostile input: deep comment nesting does not exhaust the stack") {
    // git recurses once per '(' here and crashes; this must not.
    std::string from = "From: " + std::string(200000, '(') + "x <a@example.org>\n";
    MailinfoResult r;
    CHECK_NOTHROW(r = run(from));
    CHECK(r.info.find("Email: a@example.org\n") != std::string::npos);
  }

  TEST_CASE("mailinfo: parse_quoted_cr") {
    CHECK(parse_quoted_cr("nowarn") == QuotedCr::nowarn);
    CHECK(parse_quoted_cr("warn") == QuotedCr::warn);
    CHECK(parse_quoted_cr("strip") == QuotedCr::strip);
    CHECK_FALSE(parse_quoted_cr("Strip"));
    CHECK_FALSE(parse_quoted_cr(""));
  }
}
