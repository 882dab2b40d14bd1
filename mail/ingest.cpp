#include "mail/ingest.hpp"

#include <glib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <regex>

#include "git/objects.hpp"
#include "mail/sources/files.hpp"
#include "mail/pipeline.hpp"

namespace seam::mail {

namespace fs = std::filesystem;

namespace {

// Messages per write transaction (and an upper bound on the bytes of raw
// mail they hold). Parsing happens outside the transaction: another process
// writing to the same store waits only for the inserts. The cursor is saved
// in each one, so an interrupted run resumes where it stopped.
size_t batch_size() {
  static const size_t n = [] {
    const char* e = std::getenv("SEAM_TEST_BATCH");  // tests: many small batches
    const long v = e ? std::strtol(e, nullptr, 10) : 0;
    return v > 0 ? static_cast<size_t>(v) : size_t{4096};
  }();
  return n;
}
constexpr size_t kBatchBytes = size_t{24} << 20;
// A message longer than this in a stream (pipe, gzip) is skipped with an
// error rather than held: memory stays flat whatever --max-inflate says.
// (Lists refuse mail a thousand times smaller.)
constexpr uint64_t kMaxStreamMessage = uint64_t{32} << 20;

int batches_committed = 0;  // in this process, for SEAM_TEST_KILL_AFTER=batch:N

std::string canonical(const std::string& p) {
  std::error_code ec;
  auto c = fs::canonical(p, ec);
  return ec ? p : c.string();
}

// Shared bookkeeping of one source: counts, errors, and the write
// transactions. Parsed messages wait in memory until a batch is full, then
// go in with the source's cursor in one short transaction.
class Writer {
 public:
  Writer(core::Store& store, core::Source& src, SourceReport& rep, const IngestOptions& opts,
         int64_t total)
      : store_(store), src_(src), rep_(rep), opts_(opts), total_(total) {}

  // `checkpoint` moves the source's cursor to just after this message (run
  // inside the transaction that stores it). `where` is the locator stored
  // with the message; `shown` names it in errors (needed only when `p`
  // holds one: callers leave it empty otherwise).
  void take(std::string where, std::string shown, Parsed&& p, std::function<void()> checkpoint) {
    ++parsed_;
    if (pending_.empty()) pending_.reserve(std::min<size_t>(batch_size(), 1024));  // fewer moves of big items
    bytes_ += p.raw.size() + 512;
    if (p.message)
      bytes_ += p.message->to_raw.size() + p.message->cc_raw.size() + p.message->subject.size() +
                64 * (p.message->references.size() + p.message->facts.own_trailers.size() +
                      p.message->facts.followup_trailers.size());
    pending_.push_back({std::move(where), std::move(shown), std::move(p), std::move(checkpoint)});
    if (pending_.size() >= batch_size() || bytes_ >= kBatchBytes) flush(false);
    if (opts_.progress && (parsed_ % 256 == 0 || parsed_ == total_))
      opts_.progress(rep_.source, parsed_, total_);
  }

  // Called before the source (its cursor) is saved, to complete it.
  std::function<void()> before_save;
  // Called before the last save: the source was read to its end.
  std::function<void()> on_complete;

  // Stores what is pending and marks the source read to its end.
  void finish() { flush(true); }

 private:
  struct Item {
    std::string where, shown;
    Parsed p;
    std::function<void()> checkpoint;
  };

  void flush(bool complete) {
    if (pending_.empty() && !complete) return;
    store_.begin();
    try {
      for (auto& it : pending_) {
        ++rep_.seen;
        if (!it.p.message) {
          rep_.errors.push_back({it.shown, it.p.error});
        } else {
          it.p.message->where = it.where;
          if (store_.add_message(src_.id, *it.p.message, it.p.raw, it.p.packed) == core::AddResult::added)
            ++rep_.added;
          else
            ++rep_.duplicates;
        }
        if (it.checkpoint) it.checkpoint();
      }
      if (complete && on_complete) on_complete();
      if (before_save) before_save();
      store_.save_source(src_);
      store_.commit();
    } catch (...) {
      store_.rollback();
      throw;
    }
    pending_.clear();
    bytes_ = 0;
    core::test_kill_point("batch:" + std::to_string(++batches_committed));
  }

  core::Store& store_;
  core::Source& src_;
  SourceReport& rep_;
  const IngestOptions& opts_;
  int64_t total_;
  int64_t parsed_ = 0;
  size_t bytes_ = 0;
  std::vector<Item> pending_;
};

const char* format_name(MboxFormat f) { return f == MboxFormat::mboxo ? "mboxo" : "mboxrd"; }

// What a resumed mbox must still hold before its cursor: a SHA-1 of the
// offset and of the first and last 64 KiB before it (all of it when shorter).
// A file rewritten with other mail changes it, even at the same size; hashing
// two windows, not the whole prefix, keeps a run on an appended
// multi-gigabyte archive from reading it all again.
std::string prefix_digest(std::string_view data, uint64_t offset) {
  constexpr uint64_t kWindow = 64 * 1024;
  offset = std::min<uint64_t>(offset, data.size());
  GChecksum* sum = g_checksum_new(G_CHECKSUM_SHA1);
  const std::string len = std::to_string(offset) + "\n";
  g_checksum_update(sum, reinterpret_cast<const guchar*>(len.data()), static_cast<gssize>(len.size()));
  auto feed = [&](uint64_t from, uint64_t n) {
    g_checksum_update(sum, reinterpret_cast<const guchar*>(data.data() + from), static_cast<gssize>(n));
  };
  if (offset <= 2 * kWindow) {
    feed(0, offset);
  } else {
    feed(0, kWindow);
    feed(offset - kWindow, kWindow);
  }
  std::string out = g_checksum_get_string(sum);
  g_checksum_free(sum);
  return out;
}

// True when the mail read up to `src.offset` is still there, unchanged, and
// the cursor is on a message boundary (or the end): reading can resume.
bool resumable(const core::Source& src, std::string_view data) {
  if (src.offset <= 0 || static_cast<uint64_t>(src.offset) > data.size()) return false;
  const auto offset = static_cast<uint64_t>(src.offset);
  if (offset != data.size() && data.substr(offset, 5) != "From ") return false;
  // Sources read before the digest was kept: the boundary check alone.
  return src.prefix_hash.empty() || prefix_digest(data, offset) == src.prefix_hash;
}

int64_t mtime_ns(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

// An mbox held in memory (a mapped file, standard input given as a string):
// split, then parse in parallel.
void ingest_mbox_data(core::Store& store, core::Source& src, SourceReport& rep,
                      const IngestOptions& opts, std::string_view data, uint64_t start,
                      bool keep_raw, const std::function<void()>& on_complete = {}) {
  std::vector<MboxEntry> entries;
  if (start == 0 && !looks_like_mbox(data)) {
    if (!looks_like_message(data)) {
      if (data.find("\nFrom ") == std::string_view::npos) {
        rep.fatal = rep.source + ": neither an mbox nor a mail message";
        return;
      }
      entries = split_mbox(data, 0);
      // Blank lines before the first message are harmless; text is reported.
      const size_t first = entries.empty() ? data.size() : entries.front().offset;
      if (data.substr(0, first).find_first_not_of(" \t\r\n") != std::string_view::npos)
        rep.errors.push_back({rep.source + ": byte 0", "text before the first \"From \" line skipped"});
    } else {
      entries.push_back({0, data.size()});  // a single message file
    }
  } else {
    entries = split_mbox(data, start);
  }
  const bool single = !entries.empty() && !looks_like_mbox(data.substr(entries[0].offset));

  struct MboxFetcher : Fetcher {
    std::string_view data;
    const std::vector<MboxEntry>* entries;
    MboxFormat fmt;
    bool single;
    std::string buf;
    bool fetch(size_t i, std::string_view& raw, std::string&) override {
      const auto& e = (*entries)[i];
      if (single) {
        raw = data.substr(e.offset, e.length);
      } else {
        buf = extract_message(data, e, fmt);
        raw = buf;
        entry = data.substr(e.offset, e.length);
      }
      return true;
    }
  };

  Writer w(store, src, rep, opts, static_cast<int64_t>(entries.size()));
  w.before_save = [&] { src.prefix_hash = prefix_digest(data, static_cast<uint64_t>(src.offset)); };
  w.on_complete = on_complete;
  PipelineSpec spec;
  spec.count = entries.size();
  spec.threads = opts.threads;
  spec.keep_raw = keep_raw;
  spec.make_fetcher = [&] {
    auto f = std::make_unique<MboxFetcher>();
    f->data = data;
    f->entries = &entries;
    f->fmt = opts.format;
    f->single = single;
    return f;
  };
  spec.consume = [&](size_t i, Parsed&& p) {
    const auto& e = entries[i];
    const int64_t end = static_cast<int64_t>(e.offset + e.length);
    std::string shown = p.message ? std::string() : rep.source + ": byte " + std::to_string(e.offset);
    w.take(std::to_string(e.offset) + "+" + std::to_string(e.length), std::move(shown), std::move(p),
           [&src, end] { src.offset = end; });
  };
  run_pipeline(spec);
  w.finish();
}

// The digest of a stream's prefix, fed in order: a SHA-1 of all of it (a
// stream is read from its start on every run anyway), "s:"-prefixed so that
// it never equals a window digest of prefix_digest().
class StreamDigest {
 public:
  StreamDigest() : sum_(g_checksum_new(G_CHECKSUM_SHA1)) {}
  ~StreamDigest() { g_checksum_free(sum_); }
  StreamDigest(const StreamDigest&) = delete;
  StreamDigest& operator=(const StreamDigest&) = delete;
  void feed(std::string_view b) {
    g_checksum_update(sum_, reinterpret_cast<const guchar*>(b.data()), static_cast<gssize>(b.size()));
  }
  // Bytes that were not held (an oversize message): no digest can be given.
  void lose() { lost_ = true; }
  std::string value() const {
    if (lost_) return "lost";  // never matches: the next run reads it all again
    GChecksum* c = g_checksum_copy(sum_);
    std::string out = std::string("s:") + g_checksum_get_string(c);
    g_checksum_free(c);
    return out;
  }

 private:
  GChecksum* sum_;
  bool lost_ = false;
};

// An mbox read as a stream (a gzip file inflating, a pipe, standard input):
// entries are taken in chunks and each chunk parsed in parallel, so memory
// holds one chunk, whatever the length of the stream. With `start` > 0 (a
// resumed gzip file) the entries before it are read past, and reading
// resumes only when the prefix is the one read before; else returns false
// (the caller reads the stream again from its start).
bool ingest_mbox_stream(core::Store& store, core::Source& src, SourceReport& rep,
                        const IngestOptions& opts, ByteStream& in, uint64_t start, bool keep_raw,
                        const std::function<void()>& on_complete) {
  MboxStream ms(in, kMaxStreamMessage);
  StreamDigest digest;
  Writer w(store, src, rep, opts, 0);
  w.on_complete = on_complete;
  bool skipping = start > 0;
  bool first = true;
  std::vector<StreamEntry> chunk;
  size_t chunk_bytes = 0;

  struct StreamFetcher : Fetcher {
    const std::vector<StreamEntry>* chunk;
    MboxFormat fmt;
    bool single;
    std::string buf;
    bool fetch(size_t i, std::string_view& raw, std::string& error) override {
      const auto& e = (*chunk)[i];
      if (e.oversize) {
        error = "longer than " + std::to_string(kMaxStreamMessage >> 20) + " MiB; skipped";
        return false;
      }
      if (single) {
        raw = e.bytes;
      } else {
        buf = extract_message(e.bytes, {0, e.bytes.size()}, fmt);
        raw = buf;
        entry = e.bytes;
      }
      return true;
    }
  };
  auto run_chunk = [&] {
    if (chunk.empty()) return;
    PipelineSpec spec;
    spec.count = chunk.size();
    spec.threads = opts.threads;
    spec.keep_raw = keep_raw;
    spec.make_fetcher = [&] {
      auto f = std::make_unique<StreamFetcher>();
      f->chunk = &chunk;
      f->fmt = opts.format;
      f->single = ms.single();
      return f;
    };
    spec.consume = [&](size_t i, Parsed&& p) {
      const auto& e = chunk[i];
      if (e.oversize) digest.lose();
      else digest.feed(e.bytes);
      const int64_t end = static_cast<int64_t>(e.offset + e.length);
      std::string shown = p.message ? std::string() : rep.source + ": byte " + std::to_string(e.offset);
      w.take(std::to_string(e.offset) + "+" + std::to_string(e.length), std::move(shown), std::move(p),
             [&src, end, h = digest.value()] {
               src.offset = end;
               src.prefix_hash = h;
             });
    };
    run_pipeline(spec);
    chunk.clear();
    chunk_bytes = 0;
  };

  StreamEntry e;
  while (ms.next(e)) {
    if (first) {
      first = false;
      if (ms.leading() > 0) {
        digest.lose();  // bytes before the first separator are not held
        if (ms.leading_text())
          rep.errors.push_back({rep.source + ": byte 0", "text before the first \"From \" line skipped"});
      }
    }
    if (skipping) {
      if (e.offset < start) {
        if (e.offset + e.length > start) return false;  // not on a boundary
        if (e.oversize) digest.lose();
        else digest.feed(e.bytes);
        continue;
      }
      if (e.offset != start || digest.value() != src.prefix_hash) return false;
      skipping = false;
    }
    chunk_bytes += e.bytes.size();
    chunk.push_back(std::move(e));
    e = {};
    if (chunk.size() >= batch_size() || chunk_bytes >= kBatchBytes / 2) run_chunk();
  }
  if (first && start == 0) {
    rep.fatal = rep.source + (ms.total() == 0 ? ": empty: no mail read" : ": neither an mbox nor a mail message");
    return true;
  }
  if (skipping && (ms.total() != start || digest.value() != src.prefix_hash)) return false;
  run_chunk();
  w.finish();
  return true;
}

void ingest_file(core::Store& store, SourceReport& rep, const std::string& path,
                 const IngestOptions& opts) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    rep.kind = "mbox";
    rep.fatal = path + ": cannot open: " + std::strerror(errno);
    return;
  }
  const std::string format = format_name(opts.format);
  try {
    if (!S_ISREG(st.st_mode)) {
      // A pipe, FIFO, process substitution (/dev/fd/N), terminal: it cannot be
      // read again, so it is read as a stream and its mail kept in the store,
      // as for standard input. Nothing to resume: it is all new each time.
      rep.kind = "pipe";
      core::Source src = store.source(path, rep.kind);
      src.offset = 0;
      src.mbox_format = format;
      auto in = open_stream(path, path, -1, opts.max_inflate);
      ingest_mbox_stream(store, src, rep, opts, *in, 0, true, {});
      return;
    }
    const bool gz = is_gzip(path);
    rep.kind = gz ? "mbox.gz" : "mbox";
    core::Source src = store.source(canonical(path), rep.kind);
    const int64_t size = static_cast<int64_t>(st.st_size);
    // Read back (mail/locate.cpp) with the quoting it was read with: read with
    // another, the source starts over, so that its messages read back as read.
    if (!src.mbox_format.empty() && src.mbox_format != format) src.size = src.mtime = src.offset = 0;
    src.mbox_format = format;
    // size and mtime are saved only when the source was read to its end: a
    // run killed after some batches leaves them 0, and the next run resumes
    // at the saved offset.
    if (src.size == size && src.mtime == mtime_ns(st) && src.offset > 0) return;  // unchanged
    auto complete = [&src, size, m = mtime_ns(st)] {
      src.size = size;
      src.mtime = m;
    };
    if (gz) {
      // Streamed, never inflated into memory. Appended gzip members extend
      // the inflated stream: resume there when the prefix is unchanged.
      const uint64_t start = src.offset > 0 ? static_cast<uint64_t>(src.offset) : 0;
      {
        auto in = open_stream(path, path, -1, opts.max_inflate);
        if (ingest_mbox_stream(store, src, rep, opts, *in, start, false, complete)) return;
      }
      rep.errors.clear();
      src.offset = 0;
      src.prefix_hash.clear();
      auto in = open_stream(path, path, -1, opts.max_inflate);
      ingest_mbox_stream(store, src, rep, opts, *in, 0, false, complete);
    } else {
      MappedFile file(path);
      std::string_view data = file.data();
      uint64_t start = 0;
      // Appended mail: the old end must still be a message boundary, with the
      // mail read before still in front of it.
      if (size >= src.size && resumable(src, data)) start = static_cast<uint64_t>(src.offset);
      src.offset = static_cast<int64_t>(start);
      if (start == data.size()) {
        src.prefix_hash = prefix_digest(data, start);
        complete();
        store.begin();
        store.save_source(src);
        store.commit();
        return;
      }
      ingest_mbox_data(store, src, rep, opts, data, start, false, complete);
    }
  } catch (const FileError& e) {
    rep.fatal = e.what();
  }
}

void ingest_maildir(core::Store& store, SourceReport& rep, const std::string& path,
                    const IngestOptions& opts) {
  rep.kind = "maildir";
  core::Source src = store.source(canonical(path), rep.kind);
  struct Entry {
    std::string rel;   // "cur/name:2,S"
    std::string key;   // the unique part, stable across flag changes
  };
  std::vector<Entry> entries;
  for (const char* sub : {"new", "cur"}) {
    std::error_code ec;
    fs::path dir = fs::path(path) / sub;
    if (!fs::is_directory(dir)) continue;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      std::string name = it->path().filename().string();
      if (name.empty() || name[0] == '.') continue;
      std::string key = name.substr(0, name.find(':'));
      if (store.maildir_seen(src.id, key)) continue;
      entries.push_back({std::string(sub) + "/" + name, key});
    }
    if (ec) {
      rep.fatal = dir.string() + ": cannot list: " + ec.message();
      return;
    }
  }
  // Delivery order: Maildir names start with the delivery time.
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.key < b.key; });

  struct MaildirFetcher : Fetcher {
    std::string base;
    const std::vector<Entry>* entries;
    std::string buf;
    bool fetch(size_t i, std::string_view& raw, std::string& error) override {
      try {
        buf = read_file(base + "/" + (*entries)[i].rel);
        raw = buf;
        return true;
      } catch (const FileError& e) {
        error = e.what();
        return false;
      }
    }
  };
  Writer w(store, src, rep, opts, static_cast<int64_t>(entries.size()));
  PipelineSpec spec;
  spec.count = entries.size();
  spec.threads = opts.threads;
  spec.make_fetcher = [&] {
    auto f = std::make_unique<MaildirFetcher>();
    f->base = path;
    f->entries = &entries;
    return f;
  };
  spec.consume = [&](size_t i, Parsed&& p) {
    w.take(entries[i].rel, (fs::path(rep.source) / entries[i].rel).string(), std::move(p),
           [&store, id = src.id, key = entries[i].key] { store.mark_maildir_seen(id, key); });
  };
  run_pipeline(spec);
  w.finish();
}

// The list an epoch archives: the folder name of its inbox (NAME in
// NAME/git/N.git, as public-inbox and grokmirror lay them out); "" for an
// epoch outside that layout.
std::string inbox_name(const std::string& epoch) {
  fs::path p = fs::path(canonical(epoch));
  if (p.filename().empty()) p = p.parent_path();
  const fs::path git = p.parent_path();
  if (git.filename() != "git") return {};
  return git.parent_path().filename().string();
}

void ingest_epoch(core::Store& store, SourceReport& rep, const std::string& path,
                  const IngestOptions& opts) {
  rep.kind = "public-inbox";
  std::vector<git::ObjectReader::CommitTree> commits;
  core::Source src;
  try {
    git::ObjectReader reader(path);
    src = store.source(canonical(path), rep.kind);
    if (const std::string list = inbox_name(path); !list.empty() && src.list != list) {
      src.list = list;
      store.save_source(src);  // before any message, so each is recorded in it
    }
    const std::string tip = reader.head();
    if (tip == src.cursor) return;  // nothing new: the common case, kept cheap
    // When the cursor is not on the line (a rewritten epoch), this reads it
    // all again; Message-IDs keep the store free of copies.
    commits = reader.first_parent_line(tip, src.cursor);
  } catch (const git::Error& e) {
    rep.fatal = e.what();
    return;
  }

  struct EpochFetcher : Fetcher {
    std::unique_ptr<git::ObjectReader> reader;
    const std::vector<git::ObjectReader::CommitTree>* commits;
    git::ObjectReader::BlobView blob;
    bool fetch(size_t i, std::string_view& raw, std::string& error) override {
      blob = reader->read_tree_file_view((*commits)[i].tree, "m");
      if (!blob.ok()) {
        error = blob.error;
        return false;
      }
      raw = blob.data();
      return true;
    }
  };
  Writer w(store, src, rep, opts, static_cast<int64_t>(commits.size()));
  PipelineSpec spec;
  spec.count = commits.size();
  spec.threads = opts.threads;
  spec.make_fetcher = [&] {
    auto f = std::make_unique<EpochFetcher>();
    f->reader = std::make_unique<git::ObjectReader>(path);
    f->commits = &commits;
    return f;
  };
  spec.consume = [&](size_t i, Parsed&& p) {
    std::string c = commits[i].commit_hex();
    std::string shown = p.message ? std::string() : rep.source + ": commit " + c;
    w.take(c, std::move(shown), std::move(p), [&src, c] { src.cursor = c; });
  };
  run_pipeline(spec);
  w.finish();
}

bool is_epoch(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p / "objects", ec) && fs::exists(p / "HEAD", ec);
}

// The epochs of a public-inbox v2 inbox: git/0.git, git/1.git, ... in
// numeric order (not the order of their names: 10 after 9).
std::vector<fs::path> epochs_of(const fs::path& inbox) {
  std::vector<std::pair<long, fs::path>> epochs;
  static const std::regex epoch_name(R"(([0-9]{1,9})\.git)");
  std::error_code ec;
  for (fs::directory_iterator it(inbox / "git", ec), end; !ec && it != end; it.increment(ec)) {
    std::smatch m;
    std::string name = it->path().filename().string();
    if (std::regex_match(name, m, epoch_name) && is_epoch(it->path()))
      epochs.emplace_back(std::stol(m[1].str()), it->path());
  }
  std::sort(epochs.begin(), epochs.end());
  std::vector<fs::path> out;
  for (auto& e : epochs) out.push_back(std::move(e.second));
  return out;
}

// The inboxes of a mirror of many lists (ROOT/<list>/git/N.git, as
// grokmirror lays out lore), by list name.
std::vector<fs::path> inboxes_of(const fs::path& root) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code ec2;
    if (it->is_directory(ec2) && fs::is_directory(it->path() / "git", ec2) && !epochs_of(it->path()).empty())
      out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void ingest_inbox(core::Store& store, const fs::path& inbox, const IngestOptions& opts,
                  std::vector<SourceReport>& out) {
  for (const auto& ep : epochs_of(inbox)) {
    SourceReport r;
    r.source = ep.string();
    ingest_epoch(store, r, ep.string(), opts);
    out.push_back(std::move(r));
  }
}

}  // namespace

std::vector<SourceReport> ingest(core::Store& store, const std::string& source,
                                 const IngestOptions& opts) {
  std::vector<SourceReport> out;
  SourceReport rep;
  rep.source = source;
  std::error_code ec;
  const fs::path p(source);
  if (fs::is_directory(p, ec)) {
    if (fs::is_directory(p / "cur") || fs::is_directory(p / "new")) {
      ingest_maildir(store, rep, source, opts);
    } else if (is_epoch(p)) {
      ingest_epoch(store, rep, source, opts);
    } else if (fs::is_directory(p / "git", ec)) {
      // A public-inbox v2 inbox: its epochs in order, each its own source.
      ingest_inbox(store, p, opts, out);
      if (out.empty()) {
        rep.kind = "public-inbox";
        rep.fatal = source + ": no epochs (git/N.git) in this public-inbox folder";
        out.push_back(std::move(rep));
      }
      return out;
    } else if (auto inboxes = inboxes_of(p); !inboxes.empty()) {
      // A mirror of many inboxes: list after list, each in epoch order.
      for (const auto& inbox : inboxes) ingest_inbox(store, inbox, opts, out);
      return out;
    } else {
      rep.kind = "maildir";
      rep.fatal = source + ": a folder that is neither a Maildir (cur/, new/) nor a public-inbox "
                           "epoch (objects/, HEAD), inbox (git/N.git) or mirror of inboxes "
                           "(LIST/git/N.git)";
    }
  } else {
    ingest_file(store, rep, source, opts);
  }
  out.push_back(std::move(rep));
  return out;
}

SourceReport ingest_stdin(core::Store& store, std::string data, const IngestOptions& opts) {
  SourceReport rep;
  rep.source = "-";
  rep.kind = "stdin";
  // Standard input cannot be read again: every message keeps its raw text.
  core::Source src = store.source("-", "stdin");
  src.offset = 0;
  auto reset = [&src] {
    src.offset = 0;
    src.prefix_hash.clear();
  };
  ingest_mbox_data(store, src, rep, opts, data, 0, true, reset);
  return rep;
}

SourceReport ingest_stdin(core::Store& store, int fd, const IngestOptions& opts) {
  SourceReport rep;
  rep.source = "-";
  rep.kind = "stdin";
  core::Source src = store.source("-", "stdin");
  src.offset = 0;
  auto reset = [&src] {
    src.offset = 0;
    src.prefix_hash.clear();
  };
  try {
    auto in = open_stream("standard input", "", fd, opts.max_inflate);
    ingest_mbox_stream(store, src, rep, opts, *in, 0, true, reset);
  } catch (const FileError& e) {
    rep.fatal = e.what();
  }
  return rep;
}

SourceReport ingest_buffer(core::Store& store, const std::string& name, const std::string& kind,
                           std::string_view data, const IngestOptions& opts) {
  SourceReport rep;
  rep.source = name;
  rep.kind = kind;
  core::Source src = store.source(name, kind);
  src.offset = 0;
  // Like standard input: a buffer is read whole every time (duplicates are
  // counted, not stored), so its cursor stays at the start.
  auto reset = [&src] {
    src.offset = 0;
    src.prefix_hash.clear();
  };
  ingest_mbox_data(store, src, rep, opts, data, 0, true, reset);
  return rep;
}

}  // namespace seam::mail
