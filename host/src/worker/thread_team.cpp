#include "costops/host/worker/thread_team.hpp"

#include <algorithm>

namespace costops::host {

ThreadTeam::ThreadTeam(std::uint32_t threads) : threads_(std::max<std::uint32_t>(threads, 1)) {
  helpers_.reserve(threads_ - 1);
  for (std::uint32_t i = 1; i < threads_; ++i) helpers_.emplace_back([this, i] { helper(i); });
}

ThreadTeam::~ThreadTeam() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : helpers_) t.join();
}

void ThreadTeam::arrive(std::unique_lock<std::mutex>& lock) {
  const std::uint64_t batch = generation_;
  if (++arrived_ == threads_) {
    start_ = Clock::now();
    released_ = batch;
    wake_.notify_all();
    return;
  }
  wake_.wait(lock, [&] { return released_ == batch; });
}

void ThreadTeam::finish(Clock::time_point end) {
  end_ = std::max(end_, end);
  if (++finished_ == threads_) done_.notify_one();
}

void ThreadTeam::helper(std::uint32_t index) {
  std::uint64_t seen = 0;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
    if (stopping_) return;
    seen = generation_;
    arrive(lock);
    const Work work = work_;
    void* const context = context_;
    lock.unlock();
    work(context, index);           // outside the lock: the threads run at once
    const auto end = Clock::now();  // before waiting for the lock
    lock.lock();
    finish(end);
  }
}

ThreadTeam::Batch ThreadTeam::run(Work work, void* context) {
  std::unique_lock lock(mutex_);
  work_ = work;
  context_ = context;
  arrived_ = finished_ = 0;
  end_ = Clock::time_point::min();
  ++generation_;
  wake_.notify_all();
  arrive(lock);
  lock.unlock();
  work(context, 0);
  const auto end = Clock::now();
  lock.lock();
  finish(end);
  done_.wait(lock, [&] { return finished_ == threads_; });
  return {start_, end_};
}

}  // namespace costops::host
