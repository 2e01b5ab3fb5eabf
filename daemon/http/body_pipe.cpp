#include "http/body_pipe.hpp"

#include <utility>

namespace fk {

std::optional<std::string_view> BodyPipe::next() {
  std::function<void()> resume;
  {
    std::unique_lock lock(mutex_);
    if (current_.capacity() > 0) spent_.push_back(std::move(current_));
    current_ = {};
    changed_.wait(lock, [&] { return aborted_ || finished_ || !filled_.empty(); });
    if (aborted_) throw InputAborted(*aborted_);
    if (filled_.empty()) return std::nullopt;
    current_ = std::move(filled_.front());
    filled_.pop_front();
    resume = std::exchange(resume_, nullptr);
  }
  if (resume) resume();  // outside the lock: it posts to the connection's strand
  return std::string_view(current_);
}

std::string BodyPipe::spare() {
  std::lock_guard lock(mutex_);
  if (spent_.empty()) return {};
  std::string out = std::move(spent_.back());
  spent_.pop_back();
  return out;
}

bool BodyPipe::put(std::string piece) {
  std::lock_guard lock(mutex_);
  filled_.push_back(std::move(piece));
  changed_.notify_all();
  return filled_.size() < depth_;
}

bool BodyPipe::whenRoom(std::function<void()> resume) {
  std::lock_guard lock(mutex_);
  if (filled_.size() < depth_) return false;
  resume_ = std::move(resume);
  return true;
}

void BodyPipe::finish() {
  std::lock_guard lock(mutex_);
  finished_ = true;
  changed_.notify_all();
}

void BodyPipe::abort(std::string why) {
  std::lock_guard lock(mutex_);
  if (!aborted_) aborted_ = std::move(why);
  resume_ = nullptr;
  filled_.clear();
  changed_.notify_all();
}

}  // namespace fk
