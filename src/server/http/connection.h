// Private to src/server/http: starts serving one accepted socket. The Beast connection class is
// a template over the stream (plain TCP or TLS) defined and instantiated in connection.cc, so
// only that file pays for compiling it.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include "server/http/server_core.h"

namespace boost::asio::ssl {
class context;
}

namespace latchkey::server::internal {

// The socket's executor must be a strand: the connection's handlers run on it.
void ServePlain(boost::asio::ip::tcp::socket socket, ServerCore& core);
void ServeTls(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls,
              ServerCore& core);

}  // namespace latchkey::server::internal
