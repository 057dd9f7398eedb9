// Shared pieces of the in-process server tests: a latch for handlers that must block until the
// test lets them go, and a wait for the listener to be gone.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "raw_http_client.h"

namespace latchkey::server::testing {

class Latch {
 public:
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  // The timeout only keeps a broken server from hanging the test run; no test relies on it.
  bool Wait(std::chrono::seconds timeout = std::chrono::seconds(20)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

// True once connecting to the port is refused (the server stopped listening).
inline bool WaitUntilRefused(uint16_t port) {
  for (int attempt = 0; attempt < 2000; ++attempt) {
    RawHttpClient probe(port, 1);
    if (!probe.connected()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace latchkey::server::testing
