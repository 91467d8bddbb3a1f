// Plain HTTP request/response types shared by the server core and every handler.
// They carry no Beast or Asio types, so handler code compiles without those headers.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herald::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "HEAD", "POST", ...
  std::string target;  // raw request-target: path plus optional query
  std::string path;    // percent-decoded path, without the query
  std::string query;   // raw query string without '?'
  Headers headers;     // names as received
  std::string body;
  std::string remote;  // peer address

  // Case-insensitive header lookup; empty when absent.
  std::string_view header(std::string_view name) const;
};

struct Response {
  int status = 200;
  Headers headers;
  // The body is shared so that cached pages are sent without a copy.
  std::shared_ptr<const std::string> body;
  bool close = false;  // close the connection after sending

  void set_header(std::string name, std::string value);
  std::string_view header(std::string_view name) const;
  void set_body(std::string text) { body = std::make_shared<const std::string>(std::move(text)); }
  std::size_t body_size() const { return body ? body->size() : 0; }
};

bool iequals(std::string_view a, std::string_view b);

}  // namespace herald::net
