// Live-protocol messages from a client: subscribe, unsubscribe, send, ping and whatever else
// arrives. Each input is a sequence of messages separated by NUL bytes, sent by one client
// (logged in or not, from the first byte) to a real hub over the in-process bus; the chat
// rules are a small stand-in that accepts lines up to 1,000 bytes.
#include <boost/json.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "live/bus.hpp"
#include "live/hub.hpp"

namespace herald::net {
// The server's fan-out (src/net/server.cpp, not linked here): one send per connection.
void broadcast(std::vector<std::shared_ptr<WsConnection>> to,
               const std::shared_ptr<const std::string>& text) {
  for (auto& c : to) c->send(text);
}
}  // namespace herald::net

namespace {
using namespace herald;

struct Rules final : live::Channels {
  live::EventBus* bus = nullptr;
  std::string check_subscribe(const live::Member& m, const std::string& channel) override {
    if (channel.rfind("chat:members", 0) == 0 && !m.user_id) return "Log in to read this room.";
    return {};
  }
  live::SendResult send(const live::Member& m, const std::string& channel,
                        const boost::json::object& message) override {
    live::SendResult r;
    auto* t = message.if_contains("text");
    if (!m.user_id || !t || !t->is_string() || t->get_string().size() > 1000) {
      r.code = "bad_message";
      r.message = "no";
      return r;
    }
    r.ok = true;
    r.id = static_cast<std::int64_t>(
        bus->publish(channel, boost::json::serialize(boost::json::object{{"text", *t}})));
    return r;
  }
  std::optional<live::Member> current(const live::Member& m) override { return m; }
};

// Every frame the hub sends must be one JSON object.
struct Conn final : net::WsConnection {
  std::mutex mu;
  bool closed = false;
  void send(std::shared_ptr<const std::string> text) override {
    boost::system::error_code ec;
    auto v = boost::json::parse(*text, ec);
    if (ec || !v.is_object()) __builtin_trap();
  }
  void close(int, std::string) override {
    std::lock_guard lock(mu);
    closed = true;
  }
  std::uint64_t id() const override { return 1; }
};

struct World {
  std::unique_ptr<live::EventBus> bus = live::in_process_bus({50, std::chrono::seconds(3600), 1000});
  Rules rules;
  std::unique_ptr<live::Hub> hub;
  World() {
    rules.bus = bus.get();
    live::HubOptions o;
    o.batch_window = std::chrono::milliseconds(0);
    hub = std::make_unique<live::Hub>(*bus, rules, o);
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;  // one hub for the whole run, as in the server
  live::Member m;
  if (size && (data[0] & 1)) {
    m.user_id = 7;
    m.name = "Fuzz";
    m.moderator = data[0] & 2;
  }
  auto handler = world.hub->connect(m);
  auto conn = std::make_shared<Conn>();
  handler->on_open(conn);
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (!in.empty()) in.remove_prefix(1);
  while (!in.empty()) {
    auto z = in.find('\0');
    handler->on_message(in.substr(0, z));
    in = z == std::string_view::npos ? std::string_view() : in.substr(z + 1);
  }
  handler->on_close();
  return 0;
}
