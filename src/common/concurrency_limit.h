// At most N callers at once in a costly section (Argon2 password checks), with a short bounded
// queue behind them; a caller that finds the queue full is turned away at once instead of
// holding one more server worker thread while it waits.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>

namespace latchkey {

class ConcurrencyLimit {
 public:
  ConcurrencyLimit(int slots, int max_waiting) : slots_(slots), max_waiting_(max_waiting) {}
  ConcurrencyLimit(ConcurrencyLimit const&) = delete;
  ConcurrencyLimit& operator=(ConcurrencyLimit const&) = delete;

  // Released when destroyed.
  class Slot {
   public:
    explicit Slot(ConcurrencyLimit* owner) : owner_(owner) {}
    Slot(Slot&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (owner_) owner_->Release();
    }

   private:
    ConcurrencyLimit* owner_;
  };

  // A slot, waiting for one if fewer than `max_waiting` callers already wait; nullopt otherwise.
  std::optional<Slot> Acquire() {
    std::unique_lock lock(mu_);
    if (in_use_ >= slots_) {
      if (waiting_ >= max_waiting_) return std::nullopt;
      ++waiting_;
      cv_.wait(lock, [this] { return in_use_ < slots_; });
      --waiting_;
    }
    ++in_use_;
    return Slot(this);
  }

 private:
  void Release() {
    {
      std::lock_guard lock(mu_);
      --in_use_;
    }
    cv_.notify_one();
  }

  int const slots_;
  int const max_waiting_;
  std::mutex mu_;
  std::condition_variable cv_;
  int in_use_ = 0;
  int waiting_ = 0;
};

}  // namespace latchkey
