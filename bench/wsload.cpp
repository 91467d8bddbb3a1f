// herald_wsload: a load tool of our own that opens many real WebSocket connections to Herald's
// /live endpoint on loopback and measures delivery. Raw Asio sockets with a minimal RFC 6455
// client (masking, pings answered), so that each connection costs the tool little memory.
//
//   herald_wsload newsfeed --port P --connections N --token T [--edition en] [--publishes 10]
//   herald_wsload newsfeed ... --publishes 0 --expect K --sent-file F   (a listener only: waits
//                      for K events on each connection, published by another process that
//                      wrote "marker time" lines to F; several nodes' readers at once;
//                      --done-file D: a line "marker" appended once every reader has it)
//   herald_wsload newsfeed ... --wait-file D --wait-count K   (the publisher: before the next
//                      story, waits until K listeners have written the story's line to D, so
//                      that each story's fan-out is measured alone)
//   herald_wsload chat --port P --connections N --cookie 'herald_session=...' --room en.world
//                      [--rate 50] [--seconds 20]
//   herald_wsload comments --port P --connections N --story ID --expect K [--seconds 30]
//                      (readers of a story's discussion: each waits for K comments posted by
//                      another process whose text starts "wsload-<CLOCK_MONOTONIC ns>";
//                      --arrivals-file F: one "sent-ns received-ns" line per comment carried)
// Common: --host 127.0.0.1 --site-host HOST:PORT (Host and Origin; default the node's) --sources K (spread over 127.0.0.1..127.0.0.K; each address has
// ~28,000 ephemeral ports), --server-pid PID (reads the server's RSS), --ramp 500 (handshakes
// in flight). Prints one JSON object with the results.
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using clk = std::chrono::steady_clock;

namespace {

std::map<std::string, std::string> args;

// This process's user + system CPU time so far.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
std::string arg(const std::string& k, const std::string& def = {}) {
  auto it = args.find(k);
  return it == args.end() ? def : it->second;
}
long long num(const std::string& k, long long def) {
  auto v = arg(k);
  return v.empty() ? def : std::stoll(v);
}

long rss_kb(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

long long now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clk::now().time_since_epoch()).count();
}

std::string frame(unsigned char opcode, std::string_view payload) {
  std::string f;
  f.push_back(static_cast<char>(0x80 | opcode));
  std::size_t n = payload.size();
  if (n < 126) {
    f.push_back(static_cast<char>(0x80 | n));
  } else if (n < 65536) {
    f.push_back(static_cast<char>(0x80 | 126));
    f.push_back(static_cast<char>(n >> 8));
    f.push_back(static_cast<char>(n & 0xff));
  } else {
    f.push_back(static_cast<char>(0x80 | 127));
    for (int i = 7; i >= 0; --i) f.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  }
  static std::mt19937 rng(42);
  unsigned char mask[4];
  for (auto& m : mask) m = static_cast<unsigned char>(rng());
  f.append(reinterpret_cast<char*>(mask), 4);
  for (std::size_t i = 0; i < n; ++i) f.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
  return f;
}

struct Stats {
  std::vector<double> latencies_ms;
  std::size_t open = 0, failed = 0, closed = 0;
  std::size_t skipped = 0;  // events a busy channel's frames counted instead of carrying
};

// One client connection.
struct Conn : std::enable_shared_from_this<Conn> {
  tcp::socket sock;
  std::string buf;
  std::string out;
  std::string subscribe_msg;
  bool handshaken = false;
  // A listener hands its open sockets from Asio to a plain epoll loop once every reader is
  // subscribed (see main): then fd is the socket, and the Asio socket is empty.
  bool handed = false;
  int fd = -1;
  std::function<void(std::string_view)> on_text;
  std::function<void(bool)> on_ready;
  Stats& stats;
  explicit Conn(asio::io_context& io, Stats& s) : sock(io), stats(s) {}

  void start(const tcp::endpoint& server, const asio::ip::address& source, const std::string& host,
             const std::string& cookie, const std::string& subscribe) {
    boost::system::error_code ec;
    sock.open(tcp::v4(), ec);
    if (!ec) sock.bind(tcp::endpoint(source, 0), ec);
    if (ec) return fail();
    auto self = shared_from_this();
    sock.async_connect(server, [self, host, cookie, subscribe](boost::system::error_code ec) {
      if (ec) return self->fail();
      self->sock.set_option(tcp::no_delay(true));
      std::string req = "GET /live HTTP/1.1\r\nHost: " + host +
                        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                        "Origin: http://" + host + "\r\n" +
                        (cookie.empty() ? "" : "Cookie: " + cookie + "\r\n") + "\r\n";
      self->out = req;
      self->subscribe_msg = subscribe;  // sent once the server has answered 101 (RFC 6455 4.1)
      asio::async_write(self->sock, asio::buffer(self->out),
                        [self](boost::system::error_code ec, std::size_t) {
                          if (ec) return self->fail();
                          self->read();
                        });
    });
  }

  void fail() {
    stats.failed++;
    if (on_ready) on_ready(false);
    on_ready = nullptr;
  }

  void read() {
    auto self = shared_from_this();
    std::size_t old = buf.size();
    buf.resize(old + 2048);
    sock.async_read_some(asio::buffer(buf.data() + old, 2048),
                         [self, old](boost::system::error_code ec, std::size_t n) {
                           self->buf.resize(old + n);
                           if (ec) {
                             if (self->handed) return;  // (the read cancelled by the hand-over)
                             if (self->handshaken) self->stats.closed++;
                             else self->fail();
                             return;
                           }
                           self->parse();
                           self->read();
                         });
  }

  void parse() {
    if (!handshaken) {
      auto end = buf.find("\r\n\r\n");
      if (end == std::string::npos) return;
      if (buf.compare(0, 12, "HTTP/1.1 101") != 0) {
        buf.clear();
        sock.close();
        return fail();
      }
      handshaken = true;
      stats.open++;
      buf.erase(0, end + 4);
      send(frame(1, subscribe_msg));
      subscribe_msg.clear();
      subscribe_msg.shrink_to_fit();
      if (on_ready) on_ready(true);
      on_ready = nullptr;
    }
    for (;;) {
      if (buf.size() < 2) break;
      auto b0 = static_cast<unsigned char>(buf[0]), b1 = static_cast<unsigned char>(buf[1]);
      std::size_t n = b1 & 0x7f, pos = 2;
      if (n == 126) {
        if (buf.size() < 4) break;
        n = (static_cast<unsigned char>(buf[2]) << 8) | static_cast<unsigned char>(buf[3]);
        pos = 4;
      } else if (n == 127) {
        if (buf.size() < 10) break;
        n = 0;
        for (int i = 0; i < 8; ++i) n = (n << 8) | static_cast<unsigned char>(buf[2 + i]);
        pos = 10;
      }
      if (buf.size() < pos + n) break;
      std::string_view payload(buf.data() + pos, n);
      unsigned op = b0 & 0x0f;
      if (op == 1 && on_text) on_text(payload);
      if (op == 9) send(frame(10, payload));
      buf.erase(0, pos + n);
    }
    if (buf.capacity() > 8192 && buf.size() < 1024) buf.shrink_to_fit();
  }

  // After the hand-over: reads what the socket holds, then the whole frames in it. False once
  // the connection has ended.
  bool read_raw() {
    char tmp[8192];
    for (;;) {
      ssize_t r = ::recv(fd, tmp, sizeof tmp, 0);
      if (r > 0) {
        buf.append(tmp, static_cast<std::size_t>(r));
        continue;
      }
      if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (r < 0 && errno == EINTR) continue;
      stats.closed++;
      ::close(fd);
      fd = -1;
      return false;
    }
    parse();
    return true;
  }

  void send(std::string f) {
    if (handed) {  // a pong, after the hand-over: small enough for any socket's free space
      if (fd >= 0) (void)::send(fd, f.data(), f.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      return;
    }
    auto self = shared_from_this();
    auto data = std::make_shared<std::string>(std::move(f));
    asio::async_write(sock, asio::buffer(*data), [self, data](boost::system::error_code, std::size_t) {});
  }
};

// A blocking HTTP request (publishing through the newsroom API).
std::string http(const std::string& host, unsigned short port, const std::string& method,
                 const std::string& path, const std::string& body, const std::string& token) {
  asio::io_context io;
  tcp::socket s(io);
  s.connect(tcp::endpoint(asio::ip::make_address(host), port));
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " +
                    token + "\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  asio::write(s, asio::buffer(req));
  std::string resp;
  boost::system::error_code ec;
  char tmp[4096];
  for (;;) {
    auto n = s.read_some(asio::buffer(tmp), ec);
    resp.append(tmp, n);
    if (ec) break;
  }
  return resp;
}

std::string json_number_after(const std::string& s, const std::string& key) {
  auto p = s.find("\"" + key + "\":");
  if (p == std::string::npos) return {};
  p += key.size() + 3;
  auto e = p;
  while (e < s.size() && (isdigit(static_cast<unsigned char>(s[e])))) ++e;
  return s.substr(p, e - p);
}

void percentiles(const char* name, std::vector<double> v, std::size_t expected) {
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v.empty() ? 0.0 : v[std::min(v.size() - 1, static_cast<std::size_t>(q * (v.size() - 1)))]; };
  std::printf("\"%s\": {\"received\": %zu, \"expected\": %zu, \"p50_ms\": %.1f, \"p99_ms\": %.1f, \"max_ms\": %.1f}", name,
              v.size(), expected, at(0.5), at(0.99), v.empty() ? 0.0 : v.back());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: herald_wsload newsfeed|chat --port P --connections N ...\n");
    return 2;
  }
  std::string mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) args[std::string(argv[i]).substr(2)] = argv[i + 1];
  // As many descriptors as the system lets this process have.
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  std::string host = arg("host", "127.0.0.1");
  auto port = static_cast<unsigned short>(num("port", 8080));
  std::size_t n = static_cast<std::size_t>(num("connections", 1000));
  int sources = static_cast<int>(num("sources", static_cast<long long>(n / 25000 + 1)));
  long pid = static_cast<long>(num("server-pid", 0));
  std::size_t ramp = static_cast<std::size_t>(num("ramp", 500));
  const bool comments = mode == "comments";
  std::string channel = comments        ? "comments:" + arg("story", "1")
                        : mode == "chat" ? "chat:" + arg("room", "en")
                                         : "newsfeed:" + arg("edition", "en");
  std::string subscribe = "{\"type\":\"subscribe\",\"channel\":\"" + channel + "\"}";
  std::string hostport = host + ":" + std::to_string(port);
  // Host and Origin: the site's public address (--site-host, for a node behind a balancer).
  std::string site_host = arg("site-host", hostport);

  asio::io_context io;
  Stats stats;
  tcp::endpoint server(asio::ip::make_address(host), port);
  std::vector<std::shared_ptr<Conn>> conns;
  conns.reserve(n);
  long rss0 = pid ? rss_kb(pid) : 0;
  auto t0 = clk::now();
  std::size_t started = 0, in_flight = 0, done_connecting = 0;
  std::function<void()> launch;
  // Per-event arrival bookkeeping.
  std::map<long long, long long> sent_at;  // marker -> ns
  std::vector<std::pair<long long, long long>> arrivals;  // (marker, ns): a listener's
  std::vector<double>& lat = stats.latencies_ms;
  std::size_t subscribed = 0;
  // (The steady clock is the machine's: times from another process compare with ours.)
  const bool listener = mode == "newsfeed" && num("publishes", 10) == 0;
  const std::string sent_file = arg("sent-file", "");
  const std::string done_file = arg("done-file", "");
  std::map<long long, std::size_t> arrived;  // a listener's readers that have each marker
  auto on_text = [&](std::string_view t) {
    auto now = now_ns();
    // (The type and a batch's count come first in a frame: only its head is searched.)
    const std::string_view head = t.substr(0, 100);
    if (head.find("\"type\":\"subscribed\"") != std::string_view::npos) {
      ++subscribed;
      return;
    }
    // A busy channel's frame keeps its newest events and counts the others.
    if (auto k = head.find("\"skipped\":"); k != std::string_view::npos && k < 80) {
      long long n = 0;
      for (auto p = k + 10; p < t.size() && isdigit(static_cast<unsigned char>(t[p])); ++p) n = n * 10 + (t[p] - '0');
      stats.skipped += static_cast<std::size_t>(n);
    }
    // A frame may hold several events (a batch): count each.
    const std::string_view key =
        mode == "chat" || comments ? "\"text\":\"wsload-" : "\"headline\":\"wsload-";
    for (auto mpos = t.find(key); mpos != std::string_view::npos; mpos = t.find(key, mpos + 1)) {
      mpos += key.size() - 7;
      long long marker = 0;
      for (auto p = mpos + 7; p < t.size() && isdigit(static_cast<unsigned char>(t[p])); ++p)
        marker = marker * 10 + (t[p] - '0');
      if (mode == "chat" || comments) {
        lat.push_back((now - marker) / 1e6);  // the marker is the send time
        if (comments) arrivals.emplace_back(marker, now);
      } else if (listener) {
        arrivals.emplace_back(marker, now);
        if (!done_file.empty() && ++arrived[marker] == stats.open - stats.closed) {
          std::ofstream out(done_file, std::ios::app);
          out << marker << "\n";
        }
      } else if (auto it = sent_at.find(marker); it != sent_at.end()) {
        lat.push_back((now - it->second) / 1e6);
      }
    }
  };
  launch = [&] {
    while (started < n && in_flight < ramp) {
      auto c = std::make_shared<Conn>(io, stats);
      c->on_text = on_text;
      c->on_ready = [&](bool) {
        --in_flight;
        ++done_connecting;
        launch();
      };
      auto src = asio::ip::make_address_v4("127.0.0." + std::to_string(1 + started % sources));
      c->start(server, src, site_host, mode == "chat" && started < 1 ? arg("cookie") : "", subscribe);
      conns.push_back(c);
      ++started;
      ++in_flight;
    }
  };
  launch();
  while (done_connecting < n) io.run_for(std::chrono::milliseconds(50));
  while (subscribed < stats.open && clk::now() - t0 < std::chrono::seconds(120))
    io.run_for(std::chrono::milliseconds(50));
  double connect_s = std::chrono::duration<double>(clk::now() - t0).count();
  io.run_for(std::chrono::seconds(2));  // settle
  long rss1 = pid ? rss_kb(pid) : 0;
  std::fprintf(stderr, "wsload: %zu open, %zu failed in %.1f s; server RSS %ld -> %ld MiB\n", stats.open,
               stats.failed, connect_s, rss0 / 1024, rss1 / 1024);

  std::size_t expected = 0;
  // A listener's readers from here on only read: their sockets leave Asio for a plain epoll
  // loop, so that the tool's own reads, on the same cores as the servers, cost about what
  // bench/fanout_floor.cpp's reader does.
  int ep = -1;
  std::vector<Conn*> raw;
  if (listener) {
    ep = epoll_create1(0);
    for (auto& c : conns) {
      if (!c->handshaken || !c->sock.is_open()) continue;
      c->handed = true;
      boost::system::error_code ignored;
      c->fd = c->sock.release(ignored);
      if (c->fd < 0) continue;
      fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLET;  // (each read drains its socket)
      ev.data.u32 = static_cast<std::uint32_t>(raw.size());
      epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
      raw.push_back(c.get());
    }
    io.restart();
    while (io.poll() > 0) {
    }  // the cancelled reads' handlers
    // Bytes that arrived before the hand-over are already in the readers' buffers.
    for (auto* c : raw) c->parse();
  }
  auto pump = [&](int timeout_ms) {
    epoll_event evs[512];
    int k = epoll_wait(ep, evs, 512, timeout_ms);
    for (int j = 0; j < k; ++j) {
      auto* c = raw[evs[j].data.u32];
      if (c->fd >= 0 && !c->read_raw()) epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, nullptr);
    }
  };
  double cpu_ready = cpu_seconds();  // the measured window's CPU is counted from here
  if (listener) {
    std::fprintf(stderr, "wsload: ready\n");
    std::fflush(stderr);
    auto want = static_cast<std::size_t>(num("expect", 10));
    auto deadline = clk::now() + std::chrono::seconds(num("listen-seconds", 120));
    while (arrivals.size() < want * (stats.open - stats.closed) && clk::now() < deadline) pump(5);
    // (anything arriving twice is counted too)
    for (auto until = clk::now() + std::chrono::milliseconds(500); clk::now() < until;) pump(50);
    expected = want * (stats.open - stats.closed);
    std::ifstream in(sent_file);
    long long marker, at;
    while (in >> marker >> at) sent_at[marker] = at;
    for (auto& [m, t] : arrivals)
      if (auto it = sent_at.find(m); it != sent_at.end()) lat.push_back((t - it->second) / 1e6);
  } else if (mode == "newsfeed") {
    std::string token = arg("token");
    int publishes = static_cast<int>(num("publishes", 10));
    std::string section = arg("section-id", "1");
    for (int i = 0; i < publishes; ++i) {
      long long marker = num("marker-base", 1000000) + i;
      std::string body = "{\"headline\":\"wsload-" + std::to_string(marker) + "\",\"section_id\":" + section +
                         ",\"body\":[{\"type\":\"paragraph\",\"text\":\"Load.\"}]}";
      auto created = http(host, port, "POST", "/api/v1/newsroom/stories", body, token);
      auto id = json_number_after(created, "id");
      if (id.empty()) {
        std::fprintf(stderr, "wsload: could not create a story: %s\n", created.substr(0, 300).c_str());
        return 1;
      }
      std::size_t before = lat.size();
      sent_at[marker] = now_ns();  // the clock starts as the publish request goes out
      if (!sent_file.empty()) {
        std::ofstream out(sent_file, std::ios::app);
        out << marker << " " << sent_at[marker] << "\n";
      }
      std::thread pub([&, id] {
        http(host, port, "POST", "/api/v1/newsroom/stories/" + id + "/publish", "{}", token);
      });
      auto deadline = clk::now() + std::chrono::seconds(20);
      while (lat.size() - before < stats.open - stats.closed && clk::now() < deadline)
        io.run_for(std::chrono::milliseconds(1));
      pub.join();
      expected += stats.open - stats.closed;
      // Every listener's readers have it before the next story goes out.
      if (auto wait_file = arg("wait-file", ""); !wait_file.empty()) {
        auto wanted = static_cast<std::size_t>(num("wait-count", 1));
        auto until = clk::now() + std::chrono::seconds(60);
        for (;;) {
          std::ifstream in(wait_file);
          std::size_t have = 0;
          for (long long m; in >> m;) have += m == marker;
          if (have >= wanted || clk::now() > until) break;
          io.run_for(std::chrono::milliseconds(2));
        }
      }
      io.run_for(std::chrono::milliseconds(300));
    }
  } else if (comments) {
    // The comments are posted by another process: listen until each reader has them all.
    auto want = static_cast<std::size_t>(num("expect", 0));
    std::fprintf(stderr, "wsload: ready\n");
    std::fflush(stderr);
    auto deadline = clk::now() + std::chrono::seconds(num("seconds", 60));
    while ((want == 0 || lat.size() + stats.skipped < want * (stats.open - stats.closed)) &&
           clk::now() < deadline)
      io.run_for(std::chrono::milliseconds(5));
    io.run_for(std::chrono::milliseconds(500));
    expected = want * (stats.open - stats.closed);
  } else {
    // One sender (the first connection, logged in as a moderator) posts `rate` messages a second.
    // --rate 0: members only, listening for --seconds (the sender runs in another process).
    int rate = static_cast<int>(num("rate", 50));
    int seconds = static_cast<int>(num("seconds", 20));
    auto& sender = conns.front();
    auto period = std::chrono::nanoseconds(rate > 0 ? 1000000000LL / rate : 1000000000LL);
    auto next = clk::now();
    auto end = next + std::chrono::seconds(seconds);
    int sent = 0;
    while (clk::now() < end) {
      if (rate > 0 && clk::now() >= next) {
        std::string msg = "{\"type\":\"send\",\"channel\":\"" + channel + "\",\"text\":\"wsload-" +
                          std::to_string(now_ns()) + "\"}";
        sender->send(frame(1, msg));
        ++sent;
        next += period;
      }
      io.run_for(std::chrono::milliseconds(1));
    }
    io.run_for(std::chrono::seconds(3));
    expected = static_cast<std::size_t>(sent) * (stats.open - stats.closed);
  }
  long rss2 = pid ? rss_kb(pid) : 0;
  std::printf("{\"mode\": \"%s\", \"connections\": %zu, \"open\": %zu, \"failed\": %zu, \"dropped\": %zu, "
              "\"connect_s\": %.1f, \"server_rss_mib\": [%ld, %ld, %ld], \"rss_per_connection_kb\": %.1f, ",
              mode.c_str(), n, stats.open, stats.failed, stats.closed, connect_s, rss0 / 1024, rss1 / 1024,
              rss2 / 1024, stats.open ? double(rss1 - rss0) / double(stats.open) : 0.0);
  percentiles("delivery", lat, expected);
  std::printf(", \"skipped\": %zu, \"cpu_s\": %.3f}\n", stats.skipped, cpu_seconds() - cpu_ready);
  if (auto f = arg("arrivals-file", ""); comments && !f.empty()) {
    std::ofstream out(f);
    for (auto& [m, t] : arrivals) out << m << " " << t << "\n";
  }
  if (auto f = arg("latencies-file", ""); !f.empty()) {
    std::ofstream out(f);
    for (double x : lat) out << x << "\n";
  }
  return 0;
}
