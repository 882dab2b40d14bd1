#include "mail/locate.hpp"

#include <filesystem>

#include "git/objects.hpp"
#include "mail/files.hpp"
#include "mail/mbox.hpp"

namespace seam::mail {

RawRead read_raw(core::Store& store, const std::string& msgid) {
  RawRead r;
  auto m = store.find_message(msgid);
  if (!m) {
    r.error = "no message <" + msgid + "> in the store";
    return r;
  }
  const std::string& where = m->message.where;
  const std::string place = m->source + " (" + where + ")";
  try {
    if (m->source_kind == "stdin" || m->source_kind == "lore") {
      r.raw = store.kept_raw(msgid);
      if (!r.raw)
        r.error = "message <" + msgid + "> came from " + (m->source_kind == "lore" ? m->source : "standard input") +
                  " and was not kept";
    } else if (m->source_kind == "mbox" || m->source_kind == "mbox.gz") {
      auto plus = where.find('+');
      if (plus == std::string::npos) throw FileError("bad locator " + where);
      MboxEntry e{std::stoull(where.substr(0, plus)), std::stoull(where.substr(plus + 1))};
      std::string inflated;
      std::optional<MappedFile> mapped;
      std::string_view data;
      if (m->source_kind == "mbox.gz") {
        inflated = inflate_gzip(m->source, e.offset + e.length, true);
        data = inflated;
      } else {
        mapped.emplace(m->source);
        data = mapped->data();
      }
      if (e.offset + e.length > data.size()) throw FileError(place + ": the file is shorter than it was");
      std::string_view slice = data.substr(e.offset, e.length);
      // Unquoted as at ingest ("" is a source read before the format was kept).
      const MboxFormat fmt = m->source_mbox_format == "mboxo" ? MboxFormat::mboxo : MboxFormat::mboxrd;
      r.raw = looks_like_mbox(slice) ? extract_message(data, e, fmt) : std::string(slice);
    } else if (m->source_kind == "maildir") {
      namespace fs = std::filesystem;
      fs::path file = fs::path(m->source) / where;
      if (!fs::exists(file)) {
        // Mail clients rename files when flags change (new/x → cur/x:2,S):
        // find the file by the unique part of its name.
        const std::string key = fs::path(where).filename().string().substr(0, fs::path(where).filename().string().find(':'));
        for (const char* sub : {"cur", "new"}) {
          std::error_code ec;
          for (fs::directory_iterator it(fs::path(m->source) / sub, ec), end; !ec && it != end; it.increment(ec)) {
            const std::string name = it->path().filename().string();
            if (name.substr(0, name.find(':')) == key) file = it->path();
          }
        }
      }
      r.raw = read_file(file.string());
    } else if (m->source_kind == "public-inbox") {
      git::ObjectReader reader(m->source);
      auto f = reader.read_file(where, "m");
      if (f.data) r.raw = std::move(f.data);
      else r.error = place + ": " + f.error;
    } else {
      r.error = place + ": unknown source kind " + m->source_kind;
    }
  } catch (const std::exception& e) {
    r.error = place + ": " + e.what();
  }
  return r;
}

}  // namespace seam::mail
