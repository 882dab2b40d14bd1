#include "mail/pipeline.hpp"

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "mail/sources/mbox.hpp"
#include "mail/parse/parse.hpp"

namespace seam::mail {

namespace {

// Work moves in chunks: handing over one message at a time costs more in
// thread wake-ups than parsing it.
constexpr size_t kChunk = 64;
// Workers may run at most this many chunks ahead of the consumer, which bounds
// memory on huge sources.
constexpr size_t kWindow = 64;

Parsed fetch_and_parse(Fetcher& fetcher, size_t i, bool keep_raw) {
  Parsed p;
  std::string error;
  std::string_view raw;
  fetcher.entry = {};
  if (!fetcher.fetch(i, raw, error)) {
    p.error = error.empty() ? "cannot be read" : error;
    return p;
  }
  ParseResult r = parse_message(raw);
  if (r.message) {
    p.message = std::move(r.message);
    p.message->digest = mbox_digest(fetcher.entry.empty() ? raw : fetcher.entry);
    p.packed = core::Store::pack_recipients(*p.message);
    if (keep_raw) p.raw.assign(raw);
  } else {
    p.error = std::move(r.error);
  }
  return p;
}

}  // namespace

void run_pipeline(const PipelineSpec& spec) {
  if (spec.count == 0) return;
  const size_t chunks = (spec.count + kChunk - 1) / kChunk;
  unsigned n = spec.threads ? spec.threads : std::max(1u, std::thread::hardware_concurrency());
  n = static_cast<unsigned>(std::min<size_t>(n, chunks));

  const size_t window = std::min(chunks, kWindow);
  std::vector<std::vector<Parsed>> slots(window);
  std::vector<char> ready(window, 0);
  std::mutex mu;
  std::condition_variable chunk_ready, chunk_free;
  size_t consumed = 0;  // chunks handed to the consumer; guarded by mu
  bool stopping = false;
  std::exception_ptr failure;
  std::atomic<size_t> next{0};

  auto worker = [&] {
    try {
      auto fetcher = spec.make_fetcher();
      for (;;) {
        const size_t c = next.fetch_add(1);
        if (c >= chunks) return;
        {
          std::unique_lock lk(mu);
          chunk_free.wait(lk, [&] { return c < consumed + window || stopping; });
          if (stopping) return;
        }
        std::vector<Parsed> out;
        const size_t end = std::min(spec.count, (c + 1) * kChunk);
        out.reserve(end - c * kChunk);
        for (size_t i = c * kChunk; i < end; ++i)
          out.push_back(fetch_and_parse(*fetcher, i, spec.keep_raw));
        std::lock_guard lk(mu);
        slots[c % window] = std::move(out);
        ready[c % window] = 1;
        chunk_ready.notify_one();
      }
    } catch (...) {
      std::lock_guard lk(mu);
      if (!failure) failure = std::current_exception();
      stopping = true;
      chunk_ready.notify_all();
      chunk_free.notify_all();
    }
  };

  std::vector<std::thread> pool;
  for (unsigned t = 0; t < n; ++t) pool.emplace_back(worker);
  auto join = [&] {
    {
      std::lock_guard lk(mu);
      stopping = true;
      chunk_free.notify_all();
    }
    for (auto& t : pool) t.join();
  };

  try {
    for (size_t c = 0; c < chunks; ++c) {
      std::vector<Parsed> got;
      {
        std::unique_lock lk(mu);
        chunk_ready.wait(lk, [&] { return ready[c % window] || failure; });
        if (failure) break;
        got = std::move(slots[c % window]);
        ready[c % window] = 0;
        consumed = c + 1;
        chunk_free.notify_all();
      }
      for (size_t k = 0; k < got.size(); ++k) spec.consume(c * kChunk + k, std::move(got[k]));
    }
  } catch (...) {
    join();
    throw;
  }
  join();
  // The workers' freed buffers stay in their malloc arenas, out of reach of
  // the thread that goes on (series assembly, a part at a time): give them
  // back to the system, so that peak memory is one or the other.
  ::malloc_trim(0);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace seam::mail
