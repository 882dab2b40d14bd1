#include "mail/pipeline.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "mail/parse.hpp"

namespace seam::mail {

void run_pipeline(const PipelineSpec& spec) {
  if (spec.count == 0) return;
  unsigned n = spec.threads ? spec.threads : std::max(1u, std::thread::hardware_concurrency());
  n = static_cast<unsigned>(std::min<size_t>(n, spec.count));

  // Workers may run at most `window` messages ahead of the consumer, which
  // bounds memory on huge sources.
  const size_t window = 4096;
  std::vector<Parsed> slots(spec.count <= window ? spec.count : window);
  std::vector<char> ready(slots.size(), 0);
  std::mutex mu;
  std::condition_variable slot_ready, slot_free;
  size_t consumed = 0;  // guarded by mu
  std::atomic<size_t> next{0};
  std::exception_ptr failure;

  auto worker = [&] {
    try {
      auto fetcher = spec.make_fetcher();
      std::string raw, error;
      for (;;) {
        const size_t i = next.fetch_add(1);
        if (i >= spec.count) return;
        {
          std::unique_lock lk(mu);
          slot_free.wait(lk, [&] { return i < consumed + slots.size() || failure; });
          if (failure) return;
        }
        Parsed p;
        raw.clear();
        error.clear();
        if (fetcher->fetch(i, raw, error)) {
          ParseResult r = parse_message(raw);
          if (r.message) {
            p.message = std::move(r.message);
            if (spec.keep_raw) p.raw = raw;
          } else {
            p.error = std::move(r.error);
          }
        } else {
          p.error = error.empty() ? "cannot be read" : error;
        }
        std::lock_guard lk(mu);
        slots[i % slots.size()] = std::move(p);
        ready[i % slots.size()] = 1;
        slot_ready.notify_all();
      }
    } catch (...) {
      std::lock_guard lk(mu);
      if (!failure) failure = std::current_exception();
      slot_ready.notify_all();
      slot_free.notify_all();
    }
  };

  std::vector<std::thread> pool;
  for (unsigned t = 0; t < n; ++t) pool.emplace_back(worker);

  auto stop = [&] {
    {
      std::lock_guard lk(mu);
      if (!failure) failure = std::make_exception_ptr(std::runtime_error("consumer stopped"));
      slot_free.notify_all();
    }
    for (auto& t : pool) t.join();
  };

  try {
    for (size_t i = 0; i < spec.count; ++i) {
      Parsed p;
      {
        std::unique_lock lk(mu);
        slot_ready.wait(lk, [&] { return ready[i % slots.size()] || failure; });
        if (failure) break;
        p = std::move(slots[i % slots.size()]);
        ready[i % slots.size()] = 0;
        consumed = i + 1;
        slot_free.notify_all();
      }
      spec.consume(i, std::move(p));
    }
  } catch (...) {
    stop();
    throw;
  }
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace seam::mail
