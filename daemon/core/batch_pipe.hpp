#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <utility>
#include <vector>

namespace fk {

// Hands batches of items from one producing thread to one consuming thread, with at most `depth`
// filled batches waiting, so the producer can run ahead only that far and memory stays bounded by
// the batches, not by the whole input. Spent batches travel back to the producer, which refills
// them: their items (and whatever storage those keep) are reused rather than freed and rebuilt.
template <class T>
class BatchPipe {
 public:
  explicit BatchPipe(std::size_t depth) : depth_(depth < 1 ? 1 : depth) {}

  // Producer: queues `batch` (waiting while `depth` batches are already queued) and replaces it
  // with a spent one to fill next, or an empty vector. False, with nothing queued, once the
  // consumer has stopped.
  bool put(std::vector<T>& batch) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return stopped_ || filled_.size() < depth_; });
    if (stopped_) return false;
    filled_.push_back(std::move(batch));
    if (spent_.empty()) {
      batch = {};
    } else {
      batch = std::move(spent_.back());
      spent_.pop_back();
    }
    changed_.notify_all();
    return true;
  }

  // Producer: there will be no more batches.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }

  // Consumer: hands back `batch` (the one it has finished with, if any) and waits for the next
  // filled one. False once the producer has closed and every batch was taken, or after stop().
  bool take(std::vector<T>& batch) {
    std::unique_lock lock(mutex_);
    if (batch.capacity() > 0) spent_.push_back(std::move(batch));
    batch = {};
    changed_.wait(lock, [&] { return stopped_ || closed_ || !filled_.empty(); });
    if (stopped_ || filled_.empty()) return false;
    batch = std::move(filled_.front());
    filled_.pop_front();
    changed_.notify_all();
    return true;
  }

  // Consumer: takes nothing more; a producer waiting in put() returns false at once.
  void stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    changed_.notify_all();
  }

 private:
  const std::size_t depth_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<T>> filled_;
  std::vector<std::vector<T>> spent_;
  bool closed_ = false;
  bool stopped_ = false;
};

}  // namespace fk
