#include "server/signals.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>

namespace latchkey::server {

struct ShutdownSignals::State {
  boost::asio::io_context io{1};
  boost::asio::signal_set set{io, SIGINT, SIGTERM};
};

ShutdownSignals::ShutdownSignals() : state_(std::make_unique<State>()) {}

ShutdownSignals::~ShutdownSignals() {
  boost::system::error_code ignored;
  state_->set.clear(ignored);  // asio puts back SIG_DFL for signals it no longer watches
}

int ShutdownSignals::Wait() {
  int received = 0;
  state_->set.async_wait([&](boost::system::error_code ec, int signal_number) {
    if (!ec) received = signal_number;
  });
  state_->io.restart();
  state_->io.run();  // returns once that one wait has completed
  return received;
}

void ShutdownSignals::Cancel() {
  boost::asio::post(state_->io, [state = state_.get()] {
    boost::system::error_code ignored;
    state->set.cancel(ignored);
  });
}

int StopServerOnSignal(HttpServer& server, ShutdownSignals& signals) {
  int signal_number = signals.Wait();
  if (signal_number != 0) server.Stop();
  return signal_number;
}

}  // namespace latchkey::server
