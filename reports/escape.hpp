// Mail text made safe to show: every renderer for people passes text that
// came from a mail (subjects, names, file names, message-ids, SAFETY
// comments, code excerpts) through these before it reaches a terminal, a
// Markdown reader or a browser. Mail is hostile: a subject can hold an escape
// sequence that retitles or clears the reviewer's terminal, or sets the
// clipboard (OSC 52); a file name can hold a backtick that closes a code span
// and opens a link.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace seam::reports {

// `s` with nothing a terminal acts on. Input: any bytes (UTF-8 expected).
// Output: valid UTF-8 in which
//   - C0 controls and DEL are written `\n`, `\r`, `\t` or `\xNN` (ESC is `\x1b`);
//   - C1 controls (U+0080–U+009F), bidi controls (U+061C, U+200E, U+200F,
//     U+202A–U+202E, U+2066–U+2069) and the line/paragraph separators
//     (U+2028, U+2029) are written `\u{XXXX}`;
//   - a byte that is not part of valid UTF-8 is written `\xNN`;
// everything else (backslashes too) is unchanged. One line in, one line out.
// No errors; allocates the result.
std::string printable(std::string_view s);

// The same for a block of lines (a code excerpt): newlines and tabs are kept,
// everything else printable() escapes is escaped.
std::string printable_lines(std::string_view s);

// Mail text as inline Markdown prose (after printable()): whatever renders the
// result — cmark, a forge, a mail client — it cannot open a link, an image, an
// autolink or raw HTML, nor a code span that runs past the text, and it shows
// the text as written. Only what needs it is escaped:
//   - `<` before a letter, `/`, `!` or `?` (a tag, a comment, an autolink);
//     `]` before `(` or `[` (the end of a link or image); `&` that starts an
//     entity; `\` before punctuation or at the end;
//   - `*` and `_` that could open or close emphasis (`dma_buf` stays);
//   - `://` and `www.` (autolinked by GitHub-flavoured renderers);
//   - backticks that do not pair up into a code span inside `s` (a paired
//     span stays code: kernel comments mean `x` as code).
// The text must sit inside a line the caller wrote: never at a line start,
// and followed by a space, a line end, or punctuation other than `(`, `[`, `*`
// and `_` (so that no `]` or `<` of the text meets the caller's text).
std::string md_text(std::string_view s);

// Mail text as one inline Markdown code span (after printable()): the fence is
// one backtick longer than the longest run of backticks in the text, padded
// with a space when the text starts or ends with a backtick or a space.
std::string md_code(std::string_view s);

// A fence (three or more backticks) for a fenced code block holding `text`:
// longer than any run of backticks in it.
std::string md_fence(std::string_view text);

// Columns `s` takes on a terminal (UTF-8; wide East Asian characters and
// emoji 2, combining marks 0, everything else 1). Apply to printable() text.
size_t display_width(std::string_view s);

// `s` cut to at most `width` columns (the last one "…" when cut), then padded
// with spaces to exactly `width` columns. Apply to printable() text.
std::string fit_width(std::string_view s, size_t width);

}  // namespace seam::reports

namespace seam::reports {

// `s` as HTML text or a quoted attribute value: `&`, `<`, `>`, `"` and `'`
// become character references; nothing else changes (apply printable() first
// to mail text: html_text() does both). No errors; allocates the result.
std::string html_escape(std::string_view s);

// Mail text for an HTML page, in an element or a quoted attribute:
// html_escape(printable(s)). The result holds no markup, no character
// reference of the mail's own, no control or bidi character.
std::string html_text(std::string_view s);

// A block of mail lines (a code excerpt) for a <pre>:
// html_escape(printable_lines(s)); newlines and tabs kept.
std::string html_lines(std::string_view s);

}  // namespace seam::reports
