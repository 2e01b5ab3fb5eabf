#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_source.hpp"

namespace fk {

// A request body on its way from the connection (the I/O thread, which must never block) to the
// handler reading it (a worker thread, which waits for it). At most `depth` pieces wait in between:
// when they are all full the connection stops reading until the handler takes one, so a fast client
// and a slow import meet at a bounded amount of memory, and TCP's window tells the client to wait.
class BodyPipe : public ByteSource {
 public:
  BodyPipe(std::size_t depth, std::size_t size_hint) : depth_(depth < 1 ? 1 : depth), size_hint_(size_hint) {}

  // The handler's side.
  std::optional<std::string_view> next() override;
  std::size_t sizeHint() const override { return size_hint_; }

  // The connection's side; none of these blocks.
  // A spent piece to fill (its storage reused), or an empty string.
  std::string spare();
  // Queues a piece. False when the pipe is full now: call whenRoom() before reading more.
  bool put(std::string piece);
  // `resume` runs (on the handler's thread, once) when the handler has taken a piece from a full pipe.
  // Returns false, keeping nothing, when there is room already.
  bool whenRoom(std::function<void()> resume);
  // The body is complete: next() returns the rest, then the end.
  void finish();
  // The body will not complete: next() throws InputAborted(why) from now on.
  void abort(std::string why);

 private:
  const std::size_t depth_;
  const std::size_t size_hint_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> filled_;
  std::vector<std::string> spent_;
  std::string current_;  // the piece next() last returned
  std::function<void()> resume_;
  bool finished_ = false;
  std::optional<std::string> aborted_;
};

}  // namespace fk
