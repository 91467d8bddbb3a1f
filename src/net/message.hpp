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
  int version = 11;    // HTTP/1.1 (11) or 1.0 (10)

  // Case-insensitive header lookup; empty when absent.
  std::string_view header(std::string_view name) const;
};

// A response kept whole in a memory file that nobody writes to again (a cached page, as it goes
// out on a keep-alive HTTP/1.1 connection; see http::WireArena): the server hands these bytes
// to the socket with sendfile, so the kernel sends the file's pages without copying them.
struct WireSpan {
  int fd = -1;
  std::uint64_t offset = 0;
  std::size_t size = 0;
  std::shared_ptr<const void> owner;  // keeps the file open while a response may still send it

  explicit operator bool() const { return fd >= 0 && size > 0; }
};

struct Response {
  int status = 200;
  Headers headers;
  // The body is shared so that cached pages are sent without a copy.
  std::shared_ptr<const std::string> body;
  bool close = false;  // close the connection after sending
  // A response serialised once (a cached page): its status line and headers, Content-Length
  // included, without the blank line that ends them (see ready_head). The server sends it and
  // the body as they are, in one write; `headers` is then unused.
  std::shared_ptr<const std::string> head;
  // The same response (head, the blank line, body) in a memory file, for a keep-alive
  // HTTP/1.1 GET; the server sends `head` and `body` for any other request.
  std::shared_ptr<const WireSpan> wire;

  void set_header(std::string name, std::string value);
  std::string_view header(std::string_view name) const;
  void set_body(std::string text) { body = std::make_shared<const std::string>(std::move(text)); }
  std::size_t body_size() const { return body ? body->size() : 0; }
};

bool iequals(std::string_view a, std::string_view b);

// Percent-decodes a request path into `out`. False for a malformed escape or for a control
// character (U+0000-U+001F, U+007F) anywhere in the decoded path: such a request gets 400.
bool decode_path(std::string_view raw, std::string& out);

// Whether a header may be sent as it is: the name is an RFC 9110 token, the value has no CR,
// LF or NUL, and a Location is not protocol-relative ("//host", "/\host"), which browsers
// would follow to another site. The server checks every response header with this.
bool header_is_safe(std::string_view name, std::string_view value);

// "HTTP/1.1 <status> <reason>\r\n" + each header + "Content-Length: <n>\r\n" (none for a
// 204 or 304), for Response::head; the server writes every response this way. Empty when a header fails header_is_safe (the caller must not cache it).
std::string ready_head(int status, const Headers& headers, std::size_t content_length);
// The reason phrase of a status ("OK", "Not Found"); "Unknown" for others.
std::string_view reason_phrase(int status);

// Whether an IP address (IPv4 or IPv6 text) lies in one of `ranges` ("10.0.0.0/8",
// "127.0.0.1", "::1"). Unparsable addresses or ranges never match.
bool ip_in_ranges(std::string_view ip, const std::vector<std::string>& ranges);
// Whether a range is understood by ip_in_ranges (for configuration checks).
bool valid_ip_range(std::string_view range);
// The reader's address: `peer` itself, unless `peer` is a trusted proxy; then the right-most
// address in X-Forwarded-For that is not one (what the nearest untrusted hop told our proxy).
std::string client_address(std::string_view peer, std::string_view forwarded_for,
                           const std::vector<std::string>& trusted);

}  // namespace herald::net
