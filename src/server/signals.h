// SIGINT/SIGTERM handling for `latchkey server`: catch them from before Start() (so an early
// Ctrl-C is not lost and does not kill the process mid-start) and turn the first into a graceful
// HttpServer::Stop().
#pragma once

#include <memory>

#include "server/http/http_server.h"

namespace latchkey::server {

class ShutdownSignals {
 public:
  // Starts catching SIGINT and SIGTERM; a signal that arrives before Wait() is kept for it.
  ShutdownSignals();
  // Restores the default actions.
  ~ShutdownSignals();
  ShutdownSignals(ShutdownSignals const&) = delete;
  ShutdownSignals& operator=(ShutdownSignals const&) = delete;

  // Blocks until a signal arrives and returns its number, or 0 after Cancel(). Call it from one
  // thread at a time.
  int Wait();
  // Thread-safe: makes Wait() return 0 (the server stopped for another reason).
  void Cancel();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Waits on `signals`, then stops `server` gracefully. Returns the signal number (0 if cancelled,
// in which case the server is left alone).
int StopServerOnSignal(HttpServer& server, ShutdownSignals& signals);

}  // namespace latchkey::server
