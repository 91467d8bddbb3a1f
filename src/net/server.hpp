// The HTTP/1.1 server: listener, one coroutine per connection, limits and graceful shutdown.
// It knows nothing of news: it turns bytes into net::Request, calls the handler and writes
// the net::Response back. Beast and Asio stay inside server.cpp.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "net/message.hpp"

namespace herald::net {

struct ServerLimits {
  std::size_t header_bytes = 16 * 1024;       // larger request head: 431
  std::size_t body_bytes = 1024 * 1024;       // larger body: 413, refused before reading it
  std::chrono::seconds header_timeout{10};    // headers not complete in time: 408, close
  std::chrono::seconds idle_timeout{30};      // keep-alive connection idle: close
  std::chrono::seconds body_timeout{30};      // body not complete in time: 408, close
  std::chrono::seconds shutdown_timeout{10};  // in-flight requests get this long on SIGTERM
};

// Called once per request on an I/O thread; must be thread-safe. Must not throw
// (an exception becomes a 500 and is logged).
using Handler = std::function<Response(const Request&)>;
// The largest body accepted for a request line (method, path); body_bytes when not set.
// The server reads no body larger than max_body_bytes whatever this says.
using BodyLimit = std::function<std::size_t(std::string_view method, std::string_view path)>;
// True for requests whose handling may block (password hashing, image processing, SMTP):
// they run on the blocking pool so that the I/O threads keep serving readers.
using Offload = std::function<bool(const Request&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  unsigned threads = 0;  // 0: one per core
  ServerLimits limits;
  BodyLimit body_limit;             // per-route body limits (uploads); unset: limits.body_bytes
  std::size_t max_body_bytes = 24u << 20;  // no route may accept more than this
  Offload offload;                  // unset: everything runs on the I/O threads
  unsigned blocking_threads = 4;    // size of the blocking pool (each hash takes 64 MiB)
};
// Called after each response with the request, status, bytes sent and microseconds taken.
using AccessLog =
    std::function<void(const Request&, int status, std::size_t bytes, std::int64_t micros)>;

class Server {
 public:
  Server(ServerOptions options, Handler handler, AccessLog log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening sockets. Throws std::runtime_error naming the address on failure.
  void bind();
  // The port actually bound (useful with port 0).
  unsigned short port() const;
  // Serves until SIGINT/SIGTERM (or stop()), then drains in-flight requests for at most
  // limits.shutdown_timeout. Blocks the calling thread.
  void run();
  // Asks a running server to shut down as on SIGTERM. Thread-safe.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace herald::net
