// The parallel part of ingest: N workers fetch and parse messages by index;
// one consumer (the calling thread) receives them strictly in index order.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/message.hpp"
#include "core/store/store.hpp"

namespace seam::mail {

struct Parsed {
  std::optional<core::Message> message;
  core::Store::Packed packed;  // the message's To and Cc as the store keeps them
  std::string raw;    // kept only when the source asked for it (stdin)
  std::string error;  // set when the message was skipped
};

// Fetches message `i` and returns its raw bytes or an error. One Fetcher is
// made per worker thread, so it may hold per-thread state (a libgit2 handle)
// and the bytes `raw` points at, which stay valid until the next fetch.
class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // Returns false and sets `error` when message i cannot be read.
  virtual bool fetch(size_t i, std::string_view& raw, std::string& error) = 0;
  // Set by fetch() to the mbox entry `raw` was unquoted from, when it was:
  // the message's digest is taken of it (mail::mbox_digest), else of `raw`.
  std::string_view entry;
};

struct PipelineSpec {
  size_t count = 0;
  unsigned threads = 0;  // 0: hardware concurrency
  bool keep_raw = false;
  std::function<std::unique_ptr<Fetcher>()> make_fetcher;
  // Called on the calling thread for i = 0, 1, ... count-1, in order.
  std::function<void(size_t i, Parsed&& p)> consume;
};

void run_pipeline(const PipelineSpec& spec);

}  // namespace seam::mail
