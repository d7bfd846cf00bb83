// The threads of a threaded target (ABI 1.4): `threads - 1` helper threads
// started once per target, plus the calling thread as thread 0. Each batch
// releases all of them together from a start barrier and ends when the last
// one returns, so the batch's time runs from the release to the last
// thread's end (Google Benchmark's ->Threads(n)). A batch allocates nothing
// (the host's allocation count of a threaded target sees only the plugin's).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace costops::host {

class ThreadTeam {
 public:
  using Clock = std::chrono::steady_clock;
  // What one thread runs in a batch: `work(context, thread_index)`. It must
  // not throw (the caller's work catches what the plugin lets escape).
  using Work = void (*)(void* context, std::uint32_t thread_index);

  // Starts threads - 1 helpers (threads >= 1), idle until run().
  explicit ThreadTeam(std::uint32_t threads);
  ~ThreadTeam();  // stops and joins the helpers
  ThreadTeam(const ThreadTeam&) = delete;
  ThreadTeam& operator=(const ThreadTeam&) = delete;

  std::uint32_t size() const { return threads_; }

  // Runs work on every thread at once (thread 0 on the caller) and returns
  // after all returned: start is when the start barrier released, end when
  // the last thread finished.
  struct Batch {
    Clock::time_point start;
    Clock::time_point end;
  };
  Batch run(Work work, void* context);

 private:
  void helper(std::uint32_t index);
  // Waits at the start barrier; the last thread to arrive reads the clock
  // and releases the others.
  void arrive(std::unique_lock<std::mutex>& lock);
  // Under the lock: a thread's work ended at `end`.
  void finish(Clock::time_point end);

  const std::uint32_t threads_;
  std::mutex mutex_;
  std::condition_variable wake_;  // a new batch, the barrier's release, stop
  std::condition_variable done_;  // the last thread finished
  std::uint64_t generation_ = 0;  // batches started
  std::uint64_t released_ = 0;    // batches whose start barrier released
  std::uint32_t arrived_ = 0;
  std::uint32_t finished_ = 0;
  bool stopping_ = false;
  Work work_ = nullptr;
  void* context_ = nullptr;
  Clock::time_point start_;
  Clock::time_point end_;
  std::vector<std::thread> helpers_;
};

}  // namespace costops::host
