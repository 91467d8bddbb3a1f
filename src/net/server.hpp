// The HTTP/1.1 server: listener, one coroutine per connection, limits and graceful shutdown.
// It knows nothing of news: it turns bytes into net::Request, calls the handler and writes
// the net::Response back. Beast and Asio stay inside server.cpp.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/message.hpp"

namespace herald::net {

struct ServerLimits {
  std::size_t header_bytes = 16 * 1024;       // larger request head: 431
  std::size_t body_bytes = 1024 * 1024;       // larger body: 413, refused before reading it
  std::chrono::seconds header_timeout{10};    // headers not complete in time: 408, close
  std::chrono::seconds idle_timeout{30};      // keep-alive connection idle: close
  std::chrono::seconds body_timeout{30};      // body not complete in time: 408, close
  std::chrono::seconds shutdown_timeout{10};  // in-flight requests get this long on SIGTERM
  std::size_t connections_per_ip = 256;       // more from one address are closed; 0: no cap
  std::size_t large_bodies = 4;               // bodies over body_bytes read at once; more: 503
};

// Called once per request on an I/O thread (or the blocking pool, see Offload); must be
// thread-safe. Should not throw: an exception becomes a logged 500.
using Handler = std::function<Response(const Request&)>;
// The largest body accepted for a request line (method, path); body_bytes when not set.
// The server reads no body larger than max_body_bytes whatever this says.
using BodyLimit = std::function<std::size_t(std::string_view method, std::string_view path)>;
// Decides, from the request head alone (no body read yet), whether a body larger than
// limits.body_bytes may be sent: 0 to read it, or the status to refuse it with (401, 403).
// Runs on the blocking pool. Unset: any route limit applies to anyone.
using BodyAuthorize = std::function<int(const Request& head)>;
// True for requests whose handling may block (password hashing, image processing, SMTP):
// they run on the blocking pool so that the I/O threads keep serving readers.
using Offload = std::function<bool(const Request&)>;

// WebSocket limits: a connection that breaks one is closed.
struct WsLimits {
  std::size_t max_message = 64 * 1024;      // larger incoming message: close 1009
  std::size_t queue_bytes = 1024 * 1024;    // outgoing backlog of a slow reader: close 1013
  std::size_t queue_messages = 1024;
  std::chrono::seconds handshake{10};       // upgrade and closing handshakes
  std::chrono::seconds idle{60};            // nothing from the peer (pings every idle/2): drop
};

// One open WebSocket as the application sees it. send() and close() may be called from any
// thread; they are carried out on the connection's own I/O thread, in order.
class WsConnection {
 public:
  virtual ~WsConnection() = default;
  // Queues a text message. When the backlog is over the limits the connection is closed with
  // 1013 ("too slow") and the message dropped: memory stays bounded whatever the reader does.
  virtual void send(std::shared_ptr<const std::string> text) = 0;
  virtual void close(int code, std::string reason) = 0;
  virtual std::uint64_t id() const = 0;
};

// Queues the same message on many connections: one task per I/O thread instead of one per
// connection (the fan-out of a live event to thousands of readers).
void broadcast(std::vector<std::shared_ptr<WsConnection>> to,
               const std::shared_ptr<const std::string>& text);

// The application's side of one WebSocket. Called on the connection's I/O thread, in order:
// on_open once, on_message per text message, on_close once (also after the server closed it).
// These must not block. An exception from on_open or on_message is logged and the connection
// is closed with 1011; on_close is still called.
class WsHandler {
 public:
  virtual ~WsHandler() = default;
  virtual void on_open(std::shared_ptr<WsConnection> connection) = 0;
  virtual void on_message(std::string_view text) = 0;
  virtual void on_close() = 0;
};

// Decides on an upgrade request: a handler to accept it, or a response to refuse it (403 for
// a foreign Origin, 404 for an unknown path).
struct WsDecision {
  std::shared_ptr<WsHandler> handler;
  Response refusal;
};
using WsAccept = std::function<WsDecision(const Request&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  unsigned threads = 0;  // 0: one per core
  ServerLimits limits;
  BodyLimit body_limit;             // per-route body limits (uploads); unset: limits.body_bytes
  BodyAuthorize authorize_body;     // who may send a body over limits.body_bytes
  // Reverse proxies in front of the server (addresses or CIDR ranges): a request from one of
  // them has the reader's address from X-Forwarded-For in Request::remote, and they are not
  // held to limits.connections_per_ip. From anyone else X-Forwarded-For is ignored.
  std::vector<std::string> trusted_proxies;
  std::size_t max_body_bytes = 24u << 20;  // no route may accept more than this
  Offload offload;                  // unset: everything runs on the I/O threads
  unsigned blocking_threads = 4;    // size of the blocking pool
  // Of the offloaded requests, those for which `reading` holds (reader pages not in memory)
  // run on a pool of their own, so that readers never queue behind a burst of writes.
  Offload reading;
  unsigned reading_threads = 4;
  // Requests that hash passwords (Argon2id: ~0.2 s and 64 MiB each) run on their own pool, so
  // that a flood of them never makes cheap writes wait; more than hashing_queue waiting: 503.
  Offload hashing;
  unsigned hashing_threads = 2;
  std::size_t hashing_queue = 32;
  WsAccept ws_accept;               // unset: upgrade requests are ordinary requests
  // Replies that were made rather than sent from the page cache wait until the I/O thread has
  // dealt with the other requests it holds, then go out together (one wake-up of the peer).
  bool send_made_replies_together = true;
  WsLimits ws_limits;
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
