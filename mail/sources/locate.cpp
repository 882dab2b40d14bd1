#include "mail/sources/locate.hpp"

#include <filesystem>
#include <map>
#include <memory>

#include "git/hash.hpp"
#include "git/objects.hpp"
#include "mail/sources/files.hpp"
#include "mail/sources/mbox.hpp"

namespace seam::mail {

namespace {

struct Where {
  MboxEntry entry;
  bool ok = false;
};

Where parse_locator(const std::string& where) {
  Where w;
  auto plus = where.find('+');
  if (plus == std::string::npos) return w;
  try {
    w.entry = {std::stoull(where.substr(0, plus)), std::stoull(where.substr(plus + 1))};
    w.ok = true;
  } catch (const std::exception&) {
  }
  return w;
}

// The message at an mbox entry, unescaped as at ingest.
std::string message_at(std::string_view data, MboxEntry e, MboxFormat fmt) {
  std::string_view slice = data.substr(e.offset, e.length);
  return looks_like_mbox(slice) ? extract_message(data, e, fmt) : std::string(slice);
}

// True when `raw` is the message the store expects: the digest of its
// entry (`entry`, the mbox entry it was unquoted from, or `raw` itself) when
// one was kept at ingest, else at least its Message-ID is in its header.
bool is_expected(std::string_view entry, std::string_view raw, const std::string& digest,
                 const std::string& msgid, bool synthetic) {
  if (!digest.empty()) return mbox_digest(entry) == digest;
  if (synthetic) return msgid.rfind(git::hash_bytes(raw), 0) == 0;
  const size_t header_end = raw.find("\n\n");
  return raw.substr(0, header_end).find(msgid) != std::string_view::npos;
}

}  // namespace

struct RawReader::Epochs {
  // At most this many open at once (each maps pack windows and indexes):
  // messages are read back in ingest order, so one epoch after another.
  static constexpr size_t kOpen = 4;
  git::ObjectReader& at(const std::string& path) {
    auto it = open.find(path);
    if (it == open.end()) {
      if (open.size() >= kOpen) {
        auto oldest = open.begin();
        for (auto o = open.begin(); o != open.end(); ++o)
          if (o->second.used < oldest->second.used) oldest = o;
        open.erase(oldest);
      }
      it = open.emplace(path, Open{std::make_unique<git::ObjectReader>(path), 0}).first;
    }
    it->second.used = ++clock;
    return *it->second.reader;
  }
  struct Open {
    std::unique_ptr<git::ObjectReader> reader;
    uint64_t used = 0;  // `clock` at the last read
  };
  std::map<std::string, Open> open;
  uint64_t clock = 0;
};

RawReader::RawReader(core::Store& store) : store_(store), epochs_(std::make_unique<Epochs>()) {}
RawReader::~RawReader() = default;

RawRead read_raw(core::Store& store, const std::string& msgid) { return RawReader(store).read(msgid); }

RawRead RawReader::read(const std::string& msgid) {
  core::Store& store = store_;
  RawRead r;
  auto m = store.find_message(msgid);
  if (!m) {
    r.error = "no message <" + msgid + "> in the store";
    return r;
  }
  const std::string& where = m->message.where;
  const std::string place = m->source + " (" + where + ")";
  const std::string digest = store.message_digest(msgid);
  const bool synthetic = m->message.synthetic_id;
  auto gone = [&](const std::string& why) {
    r.raw.reset();
    r.error = "message <" + msgid + ">: " + why + " in " + m->source +
              "; it changed since it was ingested (run `seam ingest " + m->source + "` again)";
  };
  try {
    if (m->source_kind == "stdin" || m->source_kind == "pipe" || m->source_kind == "lore") {
      r.raw = store.kept_raw(msgid);
      if (!r.raw)
        r.error = "message <" + msgid + "> came from " + (m->source_kind == "stdin" ? std::string("standard input") : m->source) +
                  " and was not kept";
    } else if (m->source_kind == "mbox" || m->source_kind == "mbox.gz") {
      const Where w = parse_locator(where);
      if (!w.ok) throw FileError("bad locator " + where);
      const MboxEntry e = w.entry;
      // Unquoted as at ingest ("" is a source read before the format was kept).
      const MboxFormat fmt = m->source_mbox_format == "mboxo" ? MboxFormat::mboxo : MboxFormat::mboxrd;
      // The entry at the locator, then (not the bytes ingested: mail deleted
      // or edited before it, as a mail client does on sync) every entry of
      // the source, until one is the message.
      auto try_entry = [&](std::string_view entry, uint64_t offset) -> bool {
        if (!synthetic && entry.find(msgid) == std::string_view::npos) return false;
        std::string text = message_at(entry, {0, entry.size()}, fmt);
        if (!is_expected(entry, text, digest, msgid, synthetic)) return false;
        r.raw = std::move(text);
        if (offset != e.offset || entry.size() != e.length)
          store.update_locator(msgid, std::to_string(offset) + "+" + std::to_string(entry.size()));
        return true;
      };
      bool found = false;
      if (m->source_kind == "mbox.gz") {
        std::string slice = read_gzip_range(m->source, e.offset, e.length);
        found = slice.size() == e.length && try_entry(slice, e.offset);
        if (!found) {
          auto in = open_stream(m->source, m->source, -1, UINT64_MAX);
          MboxStream ms(*in, uint64_t{256} << 20);
          StreamEntry se;
          while (!found && ms.next(se))
            if (!se.oversize) found = try_entry(se.bytes, se.offset);
        }
      } else {
        MappedFile mapped(m->source);
        std::string_view data = mapped.data();
        found = e.offset + e.length <= data.size() && try_entry(data.substr(e.offset, e.length), e.offset);
        if (!found) {
          auto entries = split_mbox(data, 0);
          if (entries.empty() && !data.empty()) entries.push_back({0, data.size()});
          for (size_t i = 0; !found && i < entries.size(); ++i)
            found = try_entry(data.substr(entries[i].offset, entries[i].length), entries[i].offset);
        }
      }
      if (!found) gone("no longer at " + where + " nor anywhere else");
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
      if (!fs::exists(file)) {
        gone("its file " + where + " is gone");
      } else {
        std::string raw = read_file(file.string());
        if (is_expected(raw, raw, digest, msgid, synthetic)) r.raw = std::move(raw);
        else gone("the file " + where + " holds other bytes");
      }
    } else if (m->source_kind == "public-inbox") {
      // A commit id names its bytes: they cannot be other ones.
      auto f = epochs_->at(m->source).read_file(where, "m");
      if (f.data) r.raw = std::move(f.data);
      else r.error = place + ": " + f.error;
    } else {
      r.error = place + ": unknown source kind " + m->source_kind;
    }
  } catch (const std::exception& e) {
    r.raw.reset();
    r.error = place + ": " + e.what();
  }
  return r;
}

}  // namespace seam::mail
