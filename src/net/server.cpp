// Beast/Asio lives only here. One io_context per thread, each with its own SO_REUSEPORT
// acceptor; one coroutine per connection; a deadline before every read and write.
#include "net/server.hpp"

#include <array>
#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <span>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <unistd.h>
#include <cerrno>

#include "util/thread_role.hpp"

namespace herald::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
constexpr auto nothrow_awaitable = asio::as_tuple(asio::use_awaitable);

namespace {

Response plain_error(int status, std::string_view text) {
  Response r;
  r.status = status;
  r.set_header("Content-Type", "text/plain; charset=utf-8");
  r.set_header("Cache-Control", "no-store");
  r.set_body(std::string(text) + "\n");
  r.close = true;
  return r;
}

// Runs `fn` when the scope ends, however it ends (return, co_return, exception).
template <class F>
struct OnExit {
  F fn;
  ~OnExit() { fn(); }
};
template <class F>
OnExit(F) -> OnExit<F>;

std::string what_of(std::exception_ptr e) {
  try {
    if (e) std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "unknown exception";
  }
  return {};
}

// The completion of a detached coroutine: nothing may escape it silently.
auto log_failure(std::string what) {
  return [what = std::move(what)](std::exception_ptr e) {
    if (e) spdlog::error("{}: {}", what, what_of(e));
  };
}

// Transfer-Encoding and Content-Length as a request smuggler would bend them: only exactly
// "chunked" (any case, one header) and one plain decimal Content-Length are accepted.
template <class Fields>
bool framing_is_clear(const Fields& h) {
  if (h.count(http::field::content_length) > 1 || h.count(http::field::transfer_encoding) > 1)
    return false;
  auto te = h.find(http::field::transfer_encoding);
  auto cl = h.find(http::field::content_length);
  if (te != h.end() && cl != h.end()) return false;
  if (te != h.end() && !beast::iequals(te->value(), "chunked")) return false;
  if (cl != h.end()) {
    auto v = cl->value();
    if (v.empty() || v.size() > 18) return false;
    for (char c : v)
      if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

struct Connection {
  // A connection that becomes a WebSocket leaves its worker's list (the WebSocket is on the
  // worker's other list), so a listed connection always has its stream.
  beast::tcp_stream* stream = nullptr;
  bool idle = true;
  // While it waits for a request: when the worker's watchdog gives up on it (see watch()).
  std::chrono::steady_clock::time_point due = std::chrono::steady_clock::time_point::max();
};

// How often a worker's watchdog looks for connections that waited too long for a request.
constexpr std::chrono::milliseconds kWatchTick{250};

class WsConn;

// Members in this order on purpose: destroying a worker destroys the acceptor, then the
// io_context (and with it any coroutine still suspended, whose scope guards touch the lists),
// then the lists.
struct Worker {
  std::list<Connection*> connections;  // touched only on this worker's thread
  std::list<WsConn*> websockets;       // likewise
  asio::io_context ctx{1};
  std::unique_ptr<tcp::acceptor> acceptor;
  asio::steady_timer watchdog{ctx};
  // The time at the watchdog's last tick: what due times are counted from, so that waiting
  // for a request costs no clock read and no timer of its own.
  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();
};

std::atomic<std::uint64_t> next_ws_id{1};

// One accepted WebSocket: an outgoing queue with a bound, one write at a time, and a close
// that cannot hang (the socket is torn down if the peer does not answer the close).
class WsConn final : public WsConnection, public std::enable_shared_from_this<WsConn> {
 public:
  // The WebSocket runs on the bare socket: Beast's WebSocket keeps its own handshake and idle
  // timers, so the HTTP stream's timeout layer would only add a step to every write.
  WsConn(tcp::socket&& s, const WsLimits& lim, asio::io_context& home)
      : ws(std::move(s)), limits(lim), home(&home), id_(next_ws_id++) {}

  void send(std::shared_ptr<const std::string> text) override {
    asio::post(ws.get_executor(), [self = shared_from_this(), t = std::move(text)]() mutable {
      self->enqueue(std::move(t));
    });
  }

  void close(int code, std::string reason) override {
    asio::post(ws.get_executor(), [self = shared_from_this(), code, r = std::move(reason)] {
      self->begin_close(code, r);
    });
  }

  std::uint64_t id() const override { return id_; }

  void enqueue(std::shared_ptr<const std::string> t) {
    if (closing || closed) return;
    if (queue.size() + 1 > limits.queue_messages || queued + t->size() > limits.queue_bytes) {
      begin_close(1013, "too slow: messages were not read in time");
      return;
    }
    queued += t->size();
    queue.push_back(std::move(t));
    if (!writing) write_next();
  }

  void write_next() {
    writing = true;
    ws.text(true);
    ws.async_write(asio::buffer(*queue.front()),
                   [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                     self->writing = false;
                     if (!self->queue.empty()) {
                       self->queued -= self->queue.front()->size();
                       self->queue.pop_front();
                     }
                     if (ec) {
                       self->teardown();
                       return;
                     }
                     if (self->closing)
                       self->finish_close();
                     else if (!self->queue.empty())
                       self->write_next();
                   });
  }

  void begin_close(int code, const std::string& reason) {
    if (closing || closed) return;
    closing = true;
    close_code = code;
    close_text = reason.substr(0, 120);
    queued = 0;
    while (queue.size() > (writing ? 1u : 0u)) queue.pop_back();  // keep the one being written
    if (!writing) finish_close();
    // A peer that reads nothing would never see the close frame: tear down regardless.
    auto t = std::make_shared<asio::steady_timer>(ws.get_executor(), std::chrono::seconds(3));
    t->async_wait([self = shared_from_this(), t](boost::system::error_code ec) {
      if (!ec) self->teardown();
    });
  }

  void finish_close() {
    if (close_started) return;
    close_started = true;
    websocket::close_reason cr(static_cast<websocket::close_code>(close_code), close_text);
    ws.async_close(cr, [self = shared_from_this()](boost::system::error_code) { self->teardown(); });
  }

  void teardown() {
    if (closed) return;
    closed = true;
    boost::system::error_code ignored;
    ws.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
    ws.next_layer().close(ignored);
  }

  websocket::stream<tcp::socket> ws;
  const WsLimits& limits;
  asio::io_context* home;  // the I/O thread the connection lives on (broadcast groups by it)
  std::deque<std::shared_ptr<const std::string>> queue;
  std::size_t queued = 0;
  bool writing = false, closing = false, closed = false, close_started = false;
  int close_code = 1000;
  std::string close_text;

 private:
  std::uint64_t id_;
};

struct Server::Impl {
  // Declared before the workers: coroutines destroyed with a worker's io_context still count
  // themselves out of these.
  std::mutex ip_mu;
  std::unordered_map<std::string, std::size_t> per_ip;  // connections per peer address
  std::atomic<std::size_t> large_in_flight{0};
  std::atomic<std::size_t> hashing_now{0};  // requests on or waiting for the hashing pool
  ServerOptions options;
  Handler handler;
  AccessLog log;
  std::vector<std::unique_ptr<Worker>> workers;
  std::unique_ptr<asio::thread_pool> pool_ptr;
  std::unique_ptr<asio::thread_pool> hash_pool;
  std::unique_ptr<asio::thread_pool> read_pool;  // reader pages from the database
  asio::thread_pool& pool_ref() { return *pool_ptr; }
  unsigned short bound_port = 0;
  std::unique_ptr<asio::signal_set> signals;  // made in bind(): a signal before run() is queued
  std::atomic<bool> stopping{false};
  std::mutex stop_mu;
  std::condition_variable stop_cv;

  Response error_response(int status) {
    switch (status) {
      case 400:
        return plain_error(400, "400 Bad Request: the request could not be parsed.");
      case 408:
        return plain_error(408, "408 Request Timeout: the request took too long to arrive.");
      case 413:
        return plain_error(413, "413 Payload Too Large: the request body exceeds the limit.");
      case 431:
        return plain_error(431, "431 Request Header Fields Too Large: send smaller headers.");
      case 401:
        return plain_error(401, "401 Unauthorized: log in before sending a body this large.");
      case 403:
        return plain_error(403, "403 Forbidden: your account cannot send a body this large here.");
      case 500:
        return plain_error(500, "500 Internal Server Error: the server failed; try again shortly.");
      case 503: {
        auto r = plain_error(503, "503 Service Unavailable: too many uploads at once; try again shortly.");
        r.set_header("Retry-After", "5");
        return r;
      }
      default:
        return plain_error(status, "Error");
    }
  }

  // A response serialised (net::ready_head; a cached page's once, when it was stored): its
  // head, the end of the head, its body, in one write.
  asio::awaitable<bool> write_ready(beast::tcp_stream& stream, const Request& req,
                                    const Response& resp, bool keep_alive,
                                    std::chrono::steady_clock::time_point start) {
    static constexpr std::string_view kEnd = "\r\n", kClose = "Connection: close\r\n\r\n",
                                      kKeep = "Connection: keep-alive\r\n\r\n";
    std::string_view end = !keep_alive ? kClose : req.version < 11 ? kKeep : kEnd;
    bool head = req.method == "HEAD" || resp.status == 304 || resp.status == 204;
    std::array<asio::const_buffer, 3> bufs{asio::buffer(*resp.head), asio::buffer(end),
                                           asio::const_buffer()};
    std::size_t n = resp.body_size();
    if (!head && n) bufs[2] = asio::buffer(*resp.body);
    boost::system::error_code ec;
    // A cached page on a keep-alive HTTP/1.1 connection: its bytes straight from their memory
    // file (no copy into the socket), as far as the socket takes them at once; the rest, if
    // any, from memory below.
    std::size_t already = 0;
    if (resp.wire && !head && end == kEnd) already = send_wire(stream.socket(), *resp.wire);
    if (already == SIZE_MAX) {
      ec = asio::error::broken_pipe;
    } else if (!resp.wire || already < resp.wire->size) {
      for (auto& b : bufs) {
        std::size_t skip = std::min(already, b.size());
        b += skip;
        already -= skip;
      }
      stream.expires_after(std::chrono::seconds(30));
      auto [wec, sent] = co_await asio::async_write(stream, bufs, nothrow_awaitable);
      (void)sent;
      ec = wec;
    }
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
    if (log) log(req, resp.status, head ? 0 : n, micros);
    co_return !ec;
  }

  // Sends a wire span with sendfile until the socket would block: the bytes sent, or SIZE_MAX
  // when the connection failed. The socket is non-blocking (Asio makes it so for its own
  // asynchronous operations, and session() asks for it at the start).
  static std::size_t send_wire(tcp::socket& socket, const WireSpan& wire) {
    off_t off = static_cast<off_t>(wire.offset);
    std::size_t left = wire.size;
    while (left) {
      ssize_t n = ::sendfile(socket.native_handle(), wire.fd, &off, left);
      if (n > 0) {
        left -= static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0 && (errno == EINVAL || errno == ENOSYS) && left == wire.size) break;  // from memory
      return SIZE_MAX;
    }
    return wire.size - left;
  }

  asio::awaitable<bool> write(beast::tcp_stream& stream, const Request& req, Response& resp,
                              bool keep_alive, std::chrono::steady_clock::time_point start) {
    if (!resp.head) {
      // The one place every header value passes (net::ready_head checks each with
      // header_is_safe): nothing a handler copied from a request can split the response or
      // send a browser to another site.
      auto text = net::ready_head(resp.status, resp.headers, resp.body_size());
      if (text.empty()) {
        std::string_view name = "?";
        for (auto& [k, v] : resp.headers)
          if (!net::header_is_safe(k, v)) name = k;
        spdlog::error("{} {}: refused to send an unsafe header '{}'; answered 500", req.method,
                      req.target, name.substr(0, 40));
        resp = error_response(500);
        keep_alive = false;
        text = net::ready_head(resp.status, resp.headers, resp.body_size());
      }
      resp.head = std::make_shared<const std::string>(std::move(text));
    }
    bool ok = co_await write_ready(stream, req, resp, keep_alive, start);
    co_return ok;
  }

  // Calls the application's handler; whatever it throws becomes a logged 500.
  Response call_handler(const Request& req) {
    try {
      return handler(req);
    } catch (const std::exception& e) {
      spdlog::error("{} {} failed: {}", req.method, req.target, e.what());
    } catch (...) {
      spdlog::error("{} {} failed: unknown exception", req.method, req.target);
    }
    return error_response(500);
  }

  // Runs `fn` on the blocking pool (or `pool`), at nice 10 so that it yields the CPU to the
  // I/O threads serving readers; the calling coroutine resumes on its own I/O thread as soon
  // as `fn` returns (the result is posted straight back, not queued behind the pool's other
  // work). An exception from `fn` is rethrown in the caller.
  template <class T, class F>
  asio::awaitable<T> blocking(F fn, asio::thread_pool* pool = nullptr) {
    auto io = co_await asio::this_coro::executor;
    auto& on = pool ? *pool : pool_ref();
    const bool reading = pool && pool == read_pool.get();
    auto start = [fn = std::move(fn), io, &on, reading](auto handler) mutable {
      asio::post(on, [fn = std::move(fn), io, reading, handler = std::move(handler)]() mutable {
        // Writes and other slow work yield to the I/O threads; a reader's page waits for
        // nothing but its queries (it keeps the I/O threads' priority).
        static thread_local const bool marked = [reading] {
          if (reading) {
            util::mark_reading_thread();
            return true;
          }
          return ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10) == 0;
        }();
        (void)marked;
        std::exception_ptr error;
        T result{};
        try {
          result = fn();
        } catch (...) {
          error = std::current_exception();
        }
        asio::post(io, [handler = std::move(handler), error, result = std::move(result)]() mutable {
          std::move(handler)(error, std::move(result));
        });
      });
    };
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable),
                                            void(std::exception_ptr, T)>(std::move(start),
                                                                         asio::use_awaitable);
  }

  // A request deadline: a timer that cancels the read (rather than the stream's own timeout,
  // which closes the socket) so that a 408 can still be sent.
  struct Deadline {
    asio::steady_timer timer;
    std::shared_ptr<bool> fired = std::make_shared<bool>(false);
    explicit Deadline(const asio::any_io_executor& ex) : timer(ex) {}
    void arm(tcp::socket& sock, std::chrono::seconds d) {
      *fired = false;
      timer.expires_after(d);
      timer.async_wait([&sock, flag = fired](const boost::system::error_code& ec) {
        if (!ec) {
          *flag = true;
          boost::system::error_code ignored;
          sock.cancel(ignored);
        }
      });
    }
    bool disarm() {
      timer.cancel();
      return *fired;
    }
  };

  // What reading one request came to: the request, or the status to refuse it with (0: the
  // peer went away quietly), and whether it holds one of the large-body slots.
  struct ReadOutcome {
    int error = 0;
    bool gone = false;
    bool large = false;
    std::optional<http::request<http::string_body>> msg;
  };

  std::size_t route_body_limit(const http::request_parser<http::string_body>& parser) {
    const auto& lim = options.limits;
    if (!options.body_limit) return lim.body_bytes;
    auto& h = parser.get();
    std::string_view target(h.target().data(), h.target().size());
    return std::min(
        options.body_limit(std::string_view(h.method_string().data(), h.method_string().size()),
                           target.substr(0, target.find('?'))),
        std::max(lim.body_bytes, options.max_body_bytes));
  }

  // Step 2: the head, the framing checks, the body limit (raised only for whom the
  // application allows), then the body.
  asio::awaitable<ReadOutcome> read_request(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                            Deadline& deadline, const std::string& remote) {
    const auto& lim = options.limits;
    ReadOutcome out;
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(lim.header_bytes));
    parser.body_limit(std::max(lim.body_bytes, options.max_body_bytes));
    stream.expires_never();
    // A head already here whole (as most are: it came in the read that woke this connection)
    // is parsed without waiting on the network, so it needs no deadline. (Whole: it starts
    // with its request line and its first blank line is here; nothing can follow that.)
    auto buffered = beast::buffers_front(buffer.data());
    std::string_view have(static_cast<const char*>(buffered.data()), buffered.size());
    bool whole = !have.empty() && have[0] != '\r' && have[0] != '\n' &&
                 have.find("\r\n\r\n") != std::string_view::npos;
    if (!whole) deadline.arm(stream.socket(), lim.header_timeout);
    auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, nothrow_awaitable);
    (void)hn;
    if (!whole && deadline.disarm())
      out.error = 408;
    else if (hec == http::error::header_limit)
      out.error = 431;
    else if (hec == http::error::body_limit)
      out.error = 413;
    else if (hec == http::error::end_of_stream || hec == asio::error::eof ||
             hec == asio::error::connection_reset || hec == asio::error::operation_aborted)
      out.gone = true;
    else if (hec)
      out.error = 400;
    if (out.error || out.gone) co_return out;
    if (!framing_is_clear(parser.get())) {
      out.error = 400;
      co_return out;
    }
    std::size_t limit = route_body_limit(parser);
    auto cl = parser.content_length();
    bool chunked = parser.chunked();
    if (cl && *cl > limit) {
      out.error = 413;
      co_return out;
    }
    if (limit > lim.body_bytes && ((cl && *cl > lim.body_bytes) || chunked)) {
      // A large body: only for those the application allows, and only a few at a time, all
      // decided before a byte of it is read.
      if (options.authorize_body) {
        Request head;
        if (!head_of(parser.get(), remote, head)) {
          out.error = 400;
          co_return out;
        }
        // (Lambdas are named before co_await: GCC 12 can double-free a temporary one.)
        auto check = [this, &head] {
          try {
            return options.authorize_body(head);
          } catch (const std::exception& e) {
            spdlog::error("{} {}: body check failed: {}", head.method, head.target, e.what());
            return 500;
          }
        };
        int refused = co_await blocking<int>(std::move(check));
        if (refused) {
          out.error = refused;
          co_return out;
        }
      }
      if (large_in_flight.fetch_add(1) >= lim.large_bodies) {
        large_in_flight--;
        out.error = 503;
        co_return out;
      }
      out.large = true;
    } else {
      limit = std::min(limit, lim.body_bytes);
    }
    parser.body_limit(limit);  // chunked bodies are counted as they arrive
    if (!parser.is_done()) {
      deadline.arm(stream.socket(), lim.body_timeout);
      auto [bec, bn] = co_await http::async_read(stream, buffer, parser, nothrow_awaitable);
      (void)bn;
      if (deadline.disarm())
        out.error = 408;
      else if (bec == http::error::body_limit)
        out.error = 413;
      else if (bec)
        out.error = 400;
      if (out.error) co_return out;
    }
    out.msg = parser.release();
    co_return out;
  }

  // Step 3: our own request's head from Beast's (method, target, decoded path, query, headers,
  // the reader's address); false when the path is not one we serve.
  bool head_of(const http::request<http::string_body>& msg, const std::string& peer,
               Request& req) {
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.version = static_cast<int>(msg.version());
    auto q = req.target.find('?');
    bool ok = net::decode_path(std::string_view(req.target).substr(0, q), req.path);
    if (q != std::string::npos) req.query = req.target.substr(q + 1);
    for (auto& f : msg)
      req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    req.remote = options.trusted_proxies.empty()
                     ? peer
                     : net::client_address(peer, req.header("X-Forwarded-For"),
                                           options.trusted_proxies);
    return ok && !req.path.empty() && req.path[0] == '/';
  }

  // Step 1: waits until the next request starts arriving (or is already buffered); false
  // when the peer closed, a timeout ran out (header timeout for the first request, idle
  // timeout between requests) or the server is stopping.
  asio::awaitable<bool> next_request(Worker& w, Connection& conn, beast::tcp_stream& stream,
                                     beast::flat_buffer& buffer, bool first) {
    if (stopping) co_return false;
    if (buffer.size() > 0) co_return true;
    const auto& lim = options.limits;
    // (One tick more than the limit: `w.now` may be up to a tick old.)
    conn.due = w.now + (first ? lim.header_timeout : lim.idle_timeout) + kWatchTick;
    stream.expires_never();
    auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), nothrow_awaitable);
    conn.due = std::chrono::steady_clock::time_point::max();
    if (ec) co_return false;
    buffer.commit(n);
    co_return true;
  }

  // Step 4: decides on a WebSocket upgrade (reading the session: on the blocking pool).
  asio::awaitable<WsDecision> decide_upgrade(const Request& req) {
    auto decide = [this, &req]() -> WsDecision {
      try {
        return options.ws_accept(req);
      } catch (const std::exception& e) {
        spdlog::error("{} {}: WebSocket upgrade failed: {}", req.method, req.target, e.what());
      } catch (...) {
        spdlog::error("{} {}: WebSocket upgrade failed", req.method, req.target);
      }
      return {nullptr, error_response(500)};
    };
    WsDecision decision = co_await blocking<WsDecision>(std::move(decide));
    co_return decision;
  }

  // Step 5: the answer, from the thread that suits the request: password hashing on its own
  // bounded pool, writes and per-person pages on the blocking pool, the rest (cached and
  // reader pages) right here on the I/O thread.
  asio::awaitable<Response> answer(const Request& req) {
    auto call = [this, &req] { return call_handler(req); };
    if (options.hashing && options.hashing(req)) {
      OnExit done{[this] { hashing_now--; }};
      if (hashing_now.fetch_add(1) >= options.hashing_queue) {
        Response busy = error_response(503);
        busy.set_body("503 Service Unavailable: too many log-ins at once; try again shortly.\n");
        co_return busy;
      }
      Response r = co_await blocking<Response>(std::move(call), hash_pool.get());
      co_return r;
    }
    if (options.offload && options.offload(req)) {
      bool reading = options.reading && options.reading(req);
      Response r = co_await blocking<Response>(std::move(call), reading ? read_pool.get() : nullptr);
      co_return r;
    }
    co_return call_handler(req);
  }

  // One connection: read a request, answer it, until the peer or a limit ends it. Nothing
  // thrown inside escapes (see spawn_session). Each turn reads top to bottom: wait for a
  // request, read it within its limits, build our own Request, upgrade or answer, write.
  asio::awaitable<void> session(Worker& w, tcp::socket socket, std::string remote) {
    beast::tcp_stream stream(std::move(socket));
    {
      boost::system::error_code ignored;  // (for send_wire; Asio would make it so anyway)
      stream.socket().native_non_blocking(true, ignored);
    }
    Connection conn{&stream, true};
    auto it = w.connections.insert(w.connections.end(), &conn);
    OnExit unlist{[&] {
      if (it != w.connections.end()) w.connections.erase(it);
    }};
    beast::flat_buffer buffer;
    bool first = true;
    Deadline deadline(stream.get_executor());
    for (;;) {
      conn.idle = true;
      bool more = co_await next_request(w, conn, stream, buffer, first);
      if (!more) break;
      first = false;
      conn.idle = false;
      auto start = std::chrono::steady_clock::now();
      // Step 2: the request, within the header, body and time limits.
      auto got = co_await read_request(stream, buffer, deadline, remote);
      OnExit release{[&, large = got.large] {
        if (large) large_in_flight--;
      }};
      Request req;
      req.remote = remote;
      if (got.gone) break;
      if (got.error) {
        req.method = "-";  // (the request line, for the log, as far as it arrived)
        req.target = req.path = "-";
        Response r = error_response(got.error);
        co_await write(stream, req, r, false, start);
        break;
      }
      // Step 3: our own Request from Beast's.
      auto& msg = *got.msg;
      bool ok = head_of(msg, remote, req);
      req.body = std::move(msg.body());
      if (ok && options.ws_accept && websocket::is_upgrade(msg)) {
        WsDecision decision = co_await decide_upgrade(req);
        if (!decision.handler) {
          decision.refusal.close = true;
          co_await write(stream, req, decision.refusal, false, start);
          break;
        }
        // The stream moves into the WebSocket, which is on the worker's other list.
        w.connections.erase(it);
        it = w.connections.end();
        co_await websocket_session(w, stream, std::move(msg), std::move(decision.handler), req,
                                   start);
        co_return;
      }
      Response resp;
      if (ok)
        resp = co_await answer(req);
      else
        resp = error_response(400);
      // Step 6: the reply (every header checked there), and whether the connection goes on.
      bool keep = msg.keep_alive() && !resp.close && !stopping;
      // A reply that had to be made (not a cached page's ready bytes) goes out after the
      // other requests this I/O thread already holds: the pages made in one turn leave
      // together, and a peer asleep in epoll is woken once for all of them rather than once
      // per page (docs/benchmarks.md, issue 9's eighth session: half the context switches,
      // 20-46 % more misses a second). With nothing else to do the thread sends it at once.
      if (options.send_made_replies_together && !resp.wire)
        co_await asio::post(stream.get_executor(), asio::use_awaitable);
      bool wrote = co_await write(stream, req, resp, keep, start);
      if (!wrote || !keep) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.close();
  }

  // Runs one WebSocket from its upgrade request to its end. The TCP stream moves into it.
  // Whatever the application throws closes this connection with 1011; on_close always runs.
  asio::awaitable<void> websocket_session(Worker& w, beast::tcp_stream& tcp,
                                          http::request<http::string_body> upgrade,
                                          std::shared_ptr<WsHandler> handler, const Request& req,
                                          std::chrono::steady_clock::time_point start) {
    tcp.expires_never();
    auto conn = std::make_shared<WsConn>(tcp.release_socket(), options.ws_limits, w.ctx);
    auto& ws = conn->ws;
    websocket::stream_base::timeout to{};
    to.handshake_timeout = options.ws_limits.handshake;
    to.idle_timeout = options.ws_limits.idle;
    to.keep_alive_pings = true;
    ws.set_option(to);
    ws.read_message_max(options.ws_limits.max_message);
    ws.auto_fragment(false);
    ws.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(http::field::server, "herald");
    }));
    auto [aec] = co_await ws.async_accept(upgrade, nothrow_awaitable);
    if (log) log(req, aec ? 400 : 101, 0,
                 std::chrono::duration_cast<std::chrono::microseconds>(
                     std::chrono::steady_clock::now() - start)
                     .count());
    if (aec) co_return;
    auto wit = w.websockets.insert(w.websockets.end(), conn.get());
    bool opened = false;
    OnExit end{[&] {
      w.websockets.erase(wit);
      if (opened) {
        try {
          handler->on_close();
        } catch (const std::exception& e) {
          spdlog::error("{}: WebSocket close handler failed: {}", req.target, e.what());
        }
      }
      conn->teardown();
    }};
    auto guarded = [&](const char* what, auto&& fn) {
      try {
        fn();
        return true;
      } catch (const std::exception& e) {
        spdlog::error("{}: WebSocket {} failed: {}; closing with 1011", req.target, what,
                      e.what());
      } catch (...) {
        spdlog::error("{}: WebSocket {} failed; closing with 1011", req.target, what);
      }
      conn->begin_close(1011, "internal error");
      return false;
    };
    opened = true;
    if (!guarded("open", [&] { handler->on_open(conn); })) co_return;
    beast::flat_buffer buf;
    for (;;) {
      auto [ec, n] = co_await ws.async_read(buf, nothrow_awaitable);
      (void)n;
      if (ec) {
        // Beast answers invalid UTF-8 (1007) and oversize messages (1009) with a close frame.
        break;
      }
      if (!ws.got_text()) {
        conn->begin_close(1003, "only text messages are accepted");
      } else if (!conn->closing) {
        auto data = buf.data();
        std::string_view text(static_cast<const char*>(data.data()), data.size());
        if (!guarded("message", [&] { handler->on_message(text); })) {
          // Keep reading until the peer answers the close (or the teardown timer fires).
        }
      }
      buf.consume(buf.size());
      if (buf.capacity() > 16 * 1024) buf.shrink_to_fit();
    }
  }


  // Counts the connection against its address; false when that address has its fill.
  bool admit(const std::string& ip) {
    auto cap = options.limits.connections_per_ip;
    if (!cap || net::ip_in_ranges(ip, options.trusted_proxies)) {
      std::lock_guard lock(ip_mu);
      ++per_ip[ip];
      return true;
    }
    std::lock_guard lock(ip_mu);
    auto& n = per_ip[ip];
    if (n >= cap) {
      if (n == 0) per_ip.erase(ip);
      return false;
    }
    ++n;
    return true;
  }
  void release(const std::string& ip) {
    std::lock_guard lock(ip_mu);
    auto it = per_ip.find(ip);
    if (it != per_ip.end() && --it->second == 0) per_ip.erase(it);
  }

  asio::awaitable<void> guarded_session(Worker& w, tcp::socket socket, std::string remote) {
    OnExit uncount{[&] { release(remote); }};
    try {
      co_await session(w, std::move(socket), remote);
    } catch (const std::exception& e) {
      spdlog::error("connection from {} failed: {}", remote, e.what());
    } catch (...) {
      spdlog::error("connection from {} failed", remote);
    }
  }

  // Each worker's watchdog: every tick, closes the connections that waited longer than their
  // limit for a request (header timeout for the first, idle timeout between requests), by
  // cancelling their read; one timer for them all instead of one armed and cancelled per
  // request.
  asio::awaitable<void> watch(Worker& w) {
    for (;;) {
      w.now = std::chrono::steady_clock::now();
      for (auto* c : w.connections)
        if (c->due <= w.now) {
          c->due = std::chrono::steady_clock::time_point::max();
          boost::system::error_code ignored;
          c->stream->socket().cancel(ignored);
        }
      if (stopping) co_return;
      w.watchdog.expires_after(kWatchTick);
      auto [ec] = co_await w.watchdog.async_wait(nothrow_awaitable);
      if (ec || stopping) co_return;
    }
  }

  asio::awaitable<void> accept_loop(Worker& w) {
    asio::steady_timer pause(w.ctx);
    std::chrono::milliseconds backoff{10};
    for (;;) {
      auto [ec, socket] = co_await w.acceptor->async_accept(nothrow_awaitable);
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) co_return;
        // EMFILE/ENFILE/ENOBUFS: serve the open connections and retry later, not in a spin.
        spdlog::warn("accept failed: {}; retrying in {} ms", ec.message(), backoff.count());
        pause.expires_after(backoff);
        co_await pause.async_wait(nothrow_awaitable);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
        continue;
      }
      backoff = std::chrono::milliseconds(10);
      boost::system::error_code eec;
      auto ep = socket.remote_endpoint(eec);
      std::string remote = eec ? std::string("-") : ep.address().to_string();
      if (!admit(remote)) {
        // Over the per-address cap: closed at once, before a byte is read.
        socket.close(eec);
        continue;
      }
      socket.set_option(tcp::no_delay(true), eec);
      asio::co_spawn(w.ctx, guarded_session(w, std::move(socket), std::move(remote)),
                     log_failure("connection"));
    }
  }
};

Server::Server(ServerOptions options, Handler handler, AccessLog log) : impl_(new Impl) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  impl_->log = std::move(log);
  unsigned n =
      impl_->options.threads ? impl_->options.threads : std::thread::hardware_concurrency();
  if (n == 0) n = 1;
  impl_->pool_ptr = std::make_unique<asio::thread_pool>(
      std::max(1u, impl_->options.blocking_threads));
  impl_->hash_pool =
      std::make_unique<asio::thread_pool>(std::max(1u, impl_->options.hashing_threads));
  impl_->read_pool =
      std::make_unique<asio::thread_pool>(std::max(1u, impl_->options.reading_threads));
  for (unsigned i = 0; i < n; ++i) impl_->workers.push_back(std::make_unique<Worker>());
}

Server::~Server() = default;

void Server::bind() {
  auto& o = impl_->options;
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(o.host, ec);
  if (ec) throw std::runtime_error("listen: '" + o.host + "' is not an IP address");
  unsigned short port = o.port;
  for (auto& w : impl_->workers) {
    tcp::endpoint ep(addr, port);
    w->acceptor = std::make_unique<tcp::acceptor>(w->ctx);
    w->acceptor->open(ep.protocol());
    w->acceptor->set_option(tcp::acceptor::reuse_address(true));
    int one = 1;
    ::setsockopt(w->acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    w->acceptor->bind(ep, ec);
    if (ec)
      throw std::runtime_error("listen: cannot bind " + o.host + ":" + std::to_string(port) + ": " +
                               ec.message() + " (is another server using this port?)");
    w->acceptor->listen(asio::socket_base::max_listen_connections);
    port = w->acceptor->local_endpoint().port();
  }
  impl_->bound_port = port;
  impl_->signals = std::make_unique<asio::signal_set>(impl_->workers[0]->ctx, SIGINT, SIGTERM);
}

unsigned short Server::port() const { return impl_->bound_port; }

void Server::stop() {
  bool was = impl_->stopping.exchange(true);
  if (was) return;
  for (auto& w : impl_->workers) {
    asio::post(w->ctx, [wp = w.get()] {
      boost::system::error_code ec;
      if (wp->acceptor) wp->acceptor->close(ec);
      wp->watchdog.cancel();
      for (auto* c : wp->connections)
        if (c->idle) c->stream->socket().cancel(ec);
      for (auto* ws : wp->websockets) ws->begin_close(1001, "server shutting down");
    });
  }
  impl_->stop_cv.notify_all();
}

void Server::run() {
  auto& im = *impl_;
  for (auto& w : im.workers) {
    asio::co_spawn(w->ctx, im.accept_loop(*w), log_failure("accept loop"));
    asio::co_spawn(w->ctx, im.watch(*w), log_failure("watchdog"));
  }
  if (!im.signals) throw std::runtime_error("Server::run() called before bind()");
  im.signals->async_wait([this](const boost::system::error_code& ec, int) {
    if (!ec) stop();
  });
  std::vector<std::thread> threads;
  std::atomic<unsigned> running{static_cast<unsigned>(im.workers.size())};
  for (auto& w : im.workers)
    threads.emplace_back([&, wp = w.get()] {
      util::mark_io_thread();
      wp->ctx.run();
      running--;
      im.stop_cv.notify_all();
    });
  {
    std::unique_lock lock(im.stop_mu);
    im.stop_cv.wait(lock, [&] { return im.stopping.load() || running == 0; });
  }
  asio::post(im.workers[0]->ctx, [&im] { im.signals->cancel(); });
  {
    std::unique_lock lock(im.stop_mu);
    im.stop_cv.wait_for(lock, im.options.limits.shutdown_timeout, [&] { return running == 0; });
  }
  for (auto& w : im.workers) w->ctx.stop();
  for (auto& t : threads) t.join();
  // Blocking work still running refers to requests held by connection coroutines, which live
  // until the io_contexts are destroyed: let it finish first.
  im.pool_ptr->join();
  im.hash_pool->join();
  im.read_pool->join();
}

void broadcast(std::vector<std::shared_ptr<WsConnection>> to,
               const std::shared_ptr<const std::string>& text) {
  // Group by I/O thread; connections of other kinds fall back to send(). The pointers move
  // into their groups (no reference count touched per reader).
  std::vector<std::pair<asio::io_context*, std::vector<std::shared_ptr<WsConn>>>> groups;
  for (auto& c : to) {
    auto* ws = dynamic_cast<WsConn*>(c.get());
    if (!ws) {
      if (c) c->send(text);
      continue;
    }
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](auto& g) { return g.first == ws->home; });
    if (it == groups.end()) {
      groups.emplace_back(ws->home, std::vector<std::shared_ptr<WsConn>>{});
      it = std::prev(groups.end());
      it->second.reserve(to.size());
    }
    it->second.emplace_back(std::move(c), ws);
  }
  for (auto& [ctx, conns] : groups)
    asio::post(*ctx, [conns = std::move(conns), text] {
      for (auto& c : conns) c->enqueue(text);
    });
}

}  // namespace herald::net
