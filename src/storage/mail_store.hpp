// Mail waiting to be sent, kept in the site's database when several nodes share it: a mail a
// node promised survives that node, and each is sent by one node at a time (a claim with a
// lease; a node that dies mid-send leaves its claim to run out, and another node sends the
// mail then). Same conventions as NewsStore. Thread-safe.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "storage/store.hpp"

namespace herald::storage {

struct QueuedMail {
  std::int64_t id = 0;
  std::string to;
  std::string subject;
  std::string text;
  int attempts = 0;  // tries that failed before this one
};

class MailStore {
 public:
  virtual ~MailStore() = default;
  // Keeps a mail until it is sent (committed when this returns).
  virtual void add(const std::string& to, const std::string& subject, const std::string& text,
                   UnixTime now) = 0;
  // Up to `limit` mails due at `now` that no node holds (or whose holder's lease ran out),
  // oldest first, now held by `node` until now + lease_s.
  virtual std::vector<QueuedMail> claim(const std::string& node, UnixTime now, int lease_s,
                                        int limit) = 0;
  virtual void sent(std::int64_t id, UnixTime now) = 0;
  // A try that failed: tried again from `retry_at` (by any node), or never when it is 0.
  virtual void failed(std::int64_t id, const std::string& error, UnixTime retry_at,
                      UnixTime now) = 0;
  // Mails neither sent nor given up on.
  virtual std::int64_t pending() = 0;
};

}  // namespace herald::storage
