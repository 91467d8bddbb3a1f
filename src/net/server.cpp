// Beast/Asio lives only here. One io_context per thread, each with its own SO_REUSEPORT
// acceptor; one coroutine per connection; a deadline before every read and write.
#include "net/server.hpp"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <list>
#include <mutex>
#include <span>
#include <stdexcept>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

namespace herald::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto nothrow_awaitable = asio::as_tuple(asio::use_awaitable);

namespace {

std::string percent_decode(std::string_view in, bool& ok) {
  std::string out;
  out.reserve(in.size());
  ok = true;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%') {
      if (i + 2 >= in.size()) {
        ok = false;
        return out;
      }
      int h = hex(in[i + 1]), l = hex(in[i + 2]);
      if (h < 0 || l < 0) {
        ok = false;
        return out;
      }
      char c = static_cast<char>(h * 16 + l);
      if (c == '\0') {
        ok = false;
        return out;
      }
      out.push_back(c);
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

Response plain_error(int status, std::string_view text) {
  Response r;
  r.status = status;
  r.set_header("Content-Type", "text/plain; charset=utf-8");
  r.set_header("Cache-Control", "no-store");
  r.set_body(std::string(text) + "\n");
  r.close = true;
  return r;
}

}  // namespace

struct Connection {
  beast::tcp_stream* stream = nullptr;
  bool idle = true;
};

struct Worker {
  asio::io_context ctx{1};
  std::unique_ptr<tcp::acceptor> acceptor;
  std::list<Connection*> connections;  // touched only on this worker's thread
};

struct Server::Impl {
  ServerOptions options;
  Handler handler;
  AccessLog log;
  std::vector<std::unique_ptr<Worker>> workers;
  std::unique_ptr<asio::thread_pool> pool_ptr;
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
      default:
        return plain_error(status, "Error");
    }
  }

  asio::awaitable<bool> write(beast::tcp_stream& stream, const Request& req, Response& resp,
                              bool keep_alive, std::chrono::steady_clock::time_point start) {
    http::response<http::span_body<const char>> res;
    res.result(static_cast<unsigned>(resp.status));
    res.version(11);
    for (auto& [k, v] : resp.headers) res.insert(k, v);
    std::size_t n = resp.body_size();
    bool head = req.method == "HEAD";
    bool no_body = head || resp.status == 304 || resp.status == 204;
    if (!no_body && n) res.body() = std::span<const char>(resp.body->data(), n);
    res.keep_alive(keep_alive);
    if (resp.status != 304 && resp.status != 204) res.content_length(n);
    if (!res.has_content_length() && resp.status != 304 && resp.status != 204)
      res.content_length(0);
    stream.expires_after(std::chrono::seconds(30));
    auto [ec, sent] = co_await http::async_write(stream, res, nothrow_awaitable);
    (void)sent;
    auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
    if (log) log(req, resp.status, no_body ? 0 : n, micros);
    co_return !ec;
  }

  asio::awaitable<void> session(Worker& w, tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    Connection conn{&stream, true};
    auto it = w.connections.insert(w.connections.end(), &conn);
    beast::flat_buffer buffer;
    std::string remote;
    {
      boost::system::error_code ec;
      auto ep = stream.socket().remote_endpoint(ec);
      if (!ec) remote = ep.address().to_string();
    }
    const auto& lim = options.limits;
    bool first = true;
    // Request deadlines use a timer that cancels the read (rather than the stream's own
    // timeout, which closes the socket) so that a 408 can still be sent.
    asio::steady_timer deadline(stream.get_executor());
    auto timed_out = std::make_shared<bool>(false);
    auto arm = [&](std::chrono::seconds d) {
      *timed_out = false;
      deadline.expires_after(d);
      deadline.async_wait(
          [&sock = stream.socket(), flag = timed_out](const boost::system::error_code& ec) {
            if (!ec) {
              *flag = true;
              boost::system::error_code ignored;
              sock.cancel(ignored);
            }
          });
    };
    for (;;) {
      conn.idle = true;
      if (stopping) break;
      if (buffer.size() == 0) {
        stream.expires_after(first ? lim.header_timeout : lim.idle_timeout);
        auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), nothrow_awaitable);
        if (ec) break;  // idle timeout, peer closed, or shutdown
        buffer.commit(n);
      }
      first = false;
      conn.idle = false;
      auto start = std::chrono::steady_clock::now();
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(lim.header_bytes));
      // The largest any route takes; the route's own limit is checked once the head is in.
      parser.body_limit(options.body_limit ? std::max(lim.body_bytes, options.max_body_bytes)
                                           : lim.body_bytes);
      Request req;
      req.remote = remote;
      stream.expires_never();
      arm(lim.header_timeout);
      auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, nothrow_awaitable);
      (void)hn;
      deadline.cancel();
      int err = 0;
      if (*timed_out)
        err = 408;
      else if (hec == http::error::header_limit)
        err = 431;
      else if (hec == http::error::body_limit)
        err = 413;
      else if (hec == http::error::end_of_stream || hec == asio::error::eof ||
               hec == asio::error::connection_reset || hec == asio::error::operation_aborted)
        break;
      else if (hec)
        err = 400;
      if (!err) {
        auto& h = parser.get();
        // Request smuggling guards: Beast already refuses conflicting Content-Length values
        // and Content-Length with Transfer-Encoding; refuse repeated headers outright.
        if (h.count(http::field::content_length) > 1 ||
            h.count(http::field::transfer_encoding) > 1 ||
            (h.count(http::field::content_length) && h.count(http::field::transfer_encoding)))
          err = 400;
      }
      if (!err && options.body_limit) {
        auto& h = parser.get();
        std::string_view target(h.target().data(), h.target().size());
        std::size_t limit = std::min(
            options.body_limit(std::string_view(h.method_string().data(), h.method_string().size()),
                               target.substr(0, target.find('?'))),
            std::max(lim.body_bytes, options.max_body_bytes));
        if (auto cl = parser.content_length(); cl && *cl > limit)
          err = 413;
        else
          parser.body_limit(limit);  // chunked bodies are counted as they arrive
      }
      if (!err && !parser.is_done()) {
        arm(lim.body_timeout);
        auto [bec, bn] = co_await http::async_read(stream, buffer, parser, nothrow_awaitable);
        (void)bn;
        deadline.cancel();
        if (*timed_out)
          err = 408;
        else if (bec == http::error::body_limit)
          err = 413;
        else if (bec)
          err = 400;
      }
      if (err) {
        req.method = parser.is_header_done() ? std::string(parser.get().method_string()) : "-";
        req.target = parser.is_header_done() ? std::string(parser.get().target()) : "-";
        req.path = req.target;
        Response r = error_response(err);
        co_await write(stream, req, r, false, start);
        break;
      }
      auto msg = parser.release();
      req.method = std::string(msg.method_string());
      req.target = std::string(msg.target());
      auto q = req.target.find('?');
      bool ok = true;
      req.path = percent_decode(std::string_view(req.target).substr(0, q), ok);
      if (q != std::string::npos) req.query = req.target.substr(q + 1);
      for (auto& f : msg)
        req.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
      req.body = std::move(msg.body());
      Response resp;
      if (!ok || req.path.empty() || req.path[0] != '/') {
        resp = error_response(400);
      } else {
        if (options.offload && options.offload(req)) {
          // Runs on the blocking pool; this coroutine resumes on its own thread afterwards.
          resp = co_await asio::co_spawn(
              pool_ref(),
              [this, &req]() -> asio::awaitable<Response> {
                // Blocking work yields the CPU to the I/O threads that serve readers.
                static thread_local const bool niced = [] {
                  return ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10) == 0;
                }();
                (void)niced;
                try {
                  co_return handler(req);
                } catch (const std::exception&) {
                  co_return plain_error(500, "500 Internal Server Error");
                }
              },
              asio::use_awaitable);
        } else {
          try {
            resp = handler(req);
          } catch (const std::exception& e) {
            resp = plain_error(500, "500 Internal Server Error");
          }
        }
      }
      bool keep = msg.keep_alive() && !resp.close && !stopping;
      bool wrote = co_await write(stream, req, resp, keep, start);
      if (!wrote || !keep) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.close();
    w.connections.erase(it);
  }

  asio::awaitable<void> accept_loop(Worker& w) {
    for (;;) {
      auto [ec, socket] = co_await w.acceptor->async_accept(nothrow_awaitable);
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) co_return;
        continue;  // e.g. EMFILE: keep serving existing connections
      }
      socket.set_option(tcp::no_delay(true));
      asio::co_spawn(w.ctx, session(w, std::move(socket)), asio::detached);
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
      for (auto* c : wp->connections)
        if (c->idle) c->stream->socket().cancel(ec);
    });
  }
  impl_->stop_cv.notify_all();
}

void Server::run() {
  auto& im = *impl_;
  for (auto& w : im.workers) asio::co_spawn(w->ctx, im.accept_loop(*w), asio::detached);
  if (!im.signals) throw std::runtime_error("Server::run() called before bind()");
  im.signals->async_wait([this](const boost::system::error_code& ec, int) {
    if (!ec) stop();
  });
  std::vector<std::thread> threads;
  std::atomic<unsigned> running{static_cast<unsigned>(im.workers.size())};
  for (auto& w : im.workers)
    threads.emplace_back([&, wp = w.get()] {
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
}

}  // namespace herald::net
