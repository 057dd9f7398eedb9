// How many provider-calling requests (verify, register, resources, client credentials) one user
// may have in flight. The outbound pool is shared by everyone; without a per-user bound, one user
// pointing twenty verifications at a host that never answers would hold every outbound thread for
// the whole timeout. Over the bound, a request is refused at once (429) rather than queued.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace latchkey::api {

class OutboundLimiter {
 public:
  explicit OutboundLimiter(size_t per_user) : per_user_(per_user) {}

  // Holds one of the user's slots until destroyed.
  class Slot {
   public:
    Slot(OutboundLimiter* owner, std::string user) : owner_(owner), user_(std::move(user)) {}
    Slot(Slot&& other) noexcept : owner_(other.owner_), user_(std::move(other.user_)) {
      other.owner_ = nullptr;
    }
    Slot(Slot const&) = delete;
    Slot& operator=(Slot const&) = delete;
    Slot& operator=(Slot&& other) noexcept {
      if (this != &other) {
        if (owner_ != nullptr) owner_->Release(user_);
        owner_ = std::exchange(other.owner_, nullptr);
        user_ = std::move(other.user_);
      }
      return *this;
    }
    ~Slot() {
      if (owner_ != nullptr) owner_->Release(user_);
    }

   private:
    OutboundLimiter* owner_;
    std::string user_;
  };

  // nullopt when `user` already has per_user requests in flight.
  std::optional<Slot> TryAcquire(std::string const& user) {
    std::lock_guard lock(mu_);
    size_t& n = in_flight_[user];
    if (n >= per_user_) return std::nullopt;
    ++n;
    return Slot(this, user);
  }

  size_t per_user() const { return per_user_; }

 private:
  void Release(std::string const& user) {
    std::lock_guard lock(mu_);
    auto it = in_flight_.find(user);
    if (it != in_flight_.end() && --it->second == 0) in_flight_.erase(it);
  }

  size_t const per_user_;
  std::mutex mu_;
  std::map<std::string, size_t> in_flight_;  // only users with requests in flight
};

}  // namespace latchkey::api
