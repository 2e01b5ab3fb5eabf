#include "core/batch_pipe.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <numeric>
#include <thread>

namespace fk {
namespace {

TEST(BatchPipe, EveryItemArrivesOnceAndInOrder) {
  BatchPipe<int> pipe(2);
  constexpr int kItems = 10'000;
  std::thread producer([&] {
    std::vector<int> batch;
    for (int i = 0; i < kItems; ++i) {
      batch.push_back(i);
      if (batch.size() == 97 && !pipe.put(batch)) return;
      if (batch.size() == 97) batch.clear();
    }
    if (!batch.empty()) pipe.put(batch);
    pipe.close();
  });
  std::vector<int> seen;
  std::vector<int> batch;
  while (pipe.take(batch)) seen.insert(seen.end(), batch.begin(), batch.end());
  producer.join();
  std::vector<int> expected(kItems);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(seen, expected);
}

TEST(BatchPipe, SpentBatchesComeBackToTheProducer) {
  BatchPipe<int> pipe(1);
  std::vector<int> batch(100, 1);
  ASSERT_TRUE(pipe.put(batch));
  EXPECT_EQ(batch.capacity(), 0u);  // nothing spent yet: a fresh vector

  std::vector<int> taken;
  ASSERT_TRUE(pipe.take(taken));
  const int* storage = taken.data();
  std::vector<int> next(3, 2);
  ASSERT_TRUE(pipe.put(next));
  ASSERT_TRUE(pipe.take(taken));  // hands the first batch back
  EXPECT_EQ(taken, std::vector<int>(3, 2));

  std::vector<int> refill{7};
  ASSERT_TRUE(pipe.put(refill));
  EXPECT_EQ(refill.data(), storage);  // the first batch's storage, to be filled again
  EXPECT_EQ(refill.size(), 100u);
}

TEST(BatchPipe, TheProducerWaitsWhileThePipeIsFull) {
  BatchPipe<int> pipe(2);
  std::atomic<int> queued{0};
  std::thread producer([&] {
    for (int i = 0; i < 3; ++i) {
      std::vector<int> batch{i};
      if (!pipe.put(batch)) return;
      ++queued;
    }
    pipe.close();
  });
  // Two fit; the third waits until one is taken.
  while (queued.load() < 2) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(queued.load(), 2);
  std::vector<int> batch;
  ASSERT_TRUE(pipe.take(batch));
  producer.join();
  EXPECT_EQ(queued.load(), 3);
  ASSERT_TRUE(pipe.take(batch));
  ASSERT_TRUE(pipe.take(batch));
  EXPECT_EQ(batch, std::vector<int>{2});
  EXPECT_FALSE(pipe.take(batch));
}

TEST(BatchPipe, StopReleasesAWaitingProducer) {
  BatchPipe<int> pipe(1);
  std::atomic<bool> refused{false};
  std::thread producer([&] {
    std::vector<int> first{1};
    pipe.put(first);
    std::vector<int> second{2};
    refused = !pipe.put(second);  // waits: the pipe is full
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  pipe.stop();
  producer.join();
  EXPECT_TRUE(refused.load());
  std::vector<int> batch;
  EXPECT_FALSE(pipe.take(batch));
}

TEST(BatchPipe, CloseWithNothingQueuedEndsTheConsumer) {
  BatchPipe<int> pipe(4);
  std::thread producer([&] { pipe.close(); });
  std::vector<int> batch;
  EXPECT_FALSE(pipe.take(batch));
  producer.join();
}

}  // namespace
}  // namespace fk
