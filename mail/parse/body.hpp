// Decoding what a message says, as UTF-8 text: the MIME tree of a whole raw
// message walked with GMime, transfer encodings undone, every charset
// converted, and the parts that carry patches told apart from the prose.
//
// This is the body API for code that reads mail for meaning (series and
// trailer assembly, patch classification). Code that must reproduce another
// tool byte for byte (mail/mailinfo.hpp, which follows git mailinfo's own
// line-by-line rules) uses the lower-level helpers at the end of this header
// instead of the tree walk.
//
// Mail is hostile input: nothing here throws on content. Every string
// returned as UTF-8 is valid UTF-8; bytes that cannot be decoded become
// U+FFFD and the part is flagged `lossy`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace seam::mail {

enum class PartKind {
  text,   // text/plain: the message itself, or a text attachment
  patch,  // carries a patch: text/x-patch, text/x-diff, application/x-patch,
          // application/x-diff, or any part whose file name ends in .patch/.diff
  html,   // text/html, kept only when the message has no inline text/plain part
};

struct BodyPart {
  PartKind kind = PartKind::text;
  std::string text;          // the decoded content, valid UTF-8
  std::string content_type;  // "type/subtype" in lower case, "text/plain" when undeclared
  std::string charset;       // the declared charset as written, "" when none
  std::string filename;      // Content-Disposition filename or Content-Type name, "" when none
  bool attachment = false;   // declared Content-Disposition: attachment
  bool lossy = false;        // some bytes could not be decoded (bad charset data,
                             // damaged base64) and the text is a best effort
};

struct MessageBody {
  // Text, patch and (fallback) html parts in the order they appear in the
  // message. Parts of other types (images, signatures, forwarded messages)
  // are not included.
  std::vector<BodyPart> parts;
  // What was wrong with the MIME structure, one short sentence each ("a
  // multipart/mixed part has no parts: missing or wrong boundary"), for
  // diagnostics. Empty for well-formed mail.
  std::vector<std::string> problems;

  // True when the only readable text is HTML (the html parts are the
  // message, not an alternative to a text/plain part).
  bool html_only() const;

  // Every part's text, in order, each ending with a newline: the view of a
  // body that scanners for diffs and trailers read.
  std::string joined() const;
};

// Decodes the body of `raw`, one whole RFC 2822 message (header and body,
// already unescaped from its mbox). Line ends are LF. Parts sent with a
// quoted-printable, 7bit or 8bit encoding have CRLF turned into LF (the CR
// is the transport's); base64 parts keep their bytes, because there a CR
// belongs to the content (a patch to a file with CRLF lines).
//
// Multiparts whose boundary is missing or never appears keep their whole
// content as one text/plain part, with a problem noted. Forwarded messages
// (message/rfc822) are somebody else's mail and are skipped.
MessageBody decode_message_body(std::string_view raw);

// Decodes the RFC 2047 encoded-words of one header value into UTF-8. The
// value may still be folded; folds are removed. Encoded-words are decoded
// wherever they start (also inside parentheses, which mail user agents
// produce), whitespace between two encoded-words is dropped, and consecutive
// encoded-words in the same charset are joined before conversion so that a
// character split across two words survives. Undeclared 8-bit text is taken
// as UTF-8 when valid, else as windows-1252. A malformed encoded-word is
// kept as literal text.
std::string decode_header_text(std::string_view value);

// The opposite, for headers seam writes (am's Subject and From, reply
// drafts): `utf8` as RFC 2047 "B" encoded-words in UTF-8, each of at most 45
// bytes of text (60 encoded; a word stays under RFC 2047's 75 characters),
// never splitting a UTF-8 sequence, separated by a fold ("\n "). Always
// encodes: callers keep plain ASCII as it is.
std::string encode_header_words(std::string_view utf8);

// ---- lower-level helpers, shared with code that needs exact bytes -------

enum class TransferEncoding { identity, base64, quoted_printable };

// The transfer encoding a Content-Transfer-Encoding value names (case and
// surrounding space do not matter); identity for 7bit/8bit/binary/unknown.
TransferEncoding parse_transfer_encoding(std::string_view value);

// Undoes a transfer encoding with GMime's decoders, starting from a fresh
// decoder state. Invalid base64 characters are skipped; an incomplete final
// base64 quantum and a dangling '=' in quoted-printable are dropped.
std::string decode_transfer(std::string_view data, TransferEncoding enc);

// Decodes the payload of an RFC 2047 "Q" encoded-word ('_' is a space).
std::string decode_q_word(std::string_view payload);

// True when `a` and `b` name the same charset as far as a re-encoding step
// is concerned: equal ignoring case, or both spellings of UTF-8 ("utf8",
// "UTF-8"). The rule git uses to skip a conversion.
bool same_charset(std::string_view a, std::string_view b);

// Converts `bytes` from charset `from` to charset `to` with iconv (charset
// names resolved by GMime, so aliases like "latin1" work). Strict: nullopt
// when either charset is unknown or `bytes` is not valid in `from`.
std::optional<std::string> convert_charset(std::string_view bytes, std::string_view from,
                                           std::string_view to);

// Converts `bytes` in `charset` to valid UTF-8, replacing what cannot be
// converted by U+FFFD. An empty, ASCII or unknown charset means "undeclared":
// UTF-8 when the bytes are valid UTF-8, else windows-1252. Sets *lossy (when
// given) if anything was replaced or the charset was unknown.
std::string to_utf8(std::string_view bytes, std::string_view charset, bool* lossy = nullptr);

}  // namespace seam::mail
