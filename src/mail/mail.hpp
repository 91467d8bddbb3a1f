// Outgoing mail: account links (verify, reset, new address) and notices.
// A Mailer delivers one message (SMTP through libcurl, or a folder of .eml files in
// development); the MailQueue sends from its own thread so that no request waits for SMTP
// (and so that answers take the same time whether or not a mail went out).
#pragma once
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "storage/mail_store.hpp"

namespace herald::mail {

struct Mail {
  std::string to;       // one address
  std::string subject;  // UTF-8; encoded as RFC 2047 when not ASCII
  std::string text;     // UTF-8 plain text
};

struct MailError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The RFC 5322 message for `m` (headers, base64 body). CR/LF in header values are dropped.
std::string format_message(const Mail& m, const std::string& from, long long unix_time);

class Mailer {
 public:
  virtual ~Mailer() = default;
  // Delivers or throws MailError with a message for the operator's log.
  virtual void send(const Mail& m) = 0;
  virtual std::string describe() const = 0;  // "SMTP 127.0.0.1:2525" for the startup line
};

struct SmtpConfig {
  std::string host;  // empty: no SMTP; mails go to the outbox folder
  int port = 587;
  bool starttls = true;  // require STARTTLS (turn off only for a local relay or a test sink)
  std::string user;
  std::string password;
  std::string from = "Herald <herald@localhost>";
  int timeout_s = 20;
};

std::unique_ptr<Mailer> smtp_mailer(SmtpConfig c);
// Writes each message to `<dir>/<time>-<random>.eml` (the newsroom lists them at
// /newsroom/outbox).
std::unique_ptr<Mailer> folder_mailer(std::string dir, std::string from);

struct OutboxEntry {
  std::string file;
  std::string to;
  std::string subject;
  std::string text;
  long long time = 0;
};
// The newest `limit` messages of an outbox folder, newest first.
std::vector<OutboxEntry> read_outbox(const std::string& dir, int limit);

// Sends queued mail from one background thread, three tries each with a growing pause.
// With a spool folder, each mail is written there (fsynced) before enqueue() returns and
// removed once sent, and mail left there by a crash is sent on the next start: a mail the
// site has promised is not lost. One that fails three times moves to <spool>/failed/. A full
// queue (1,000 messages) drops new mail with a log line. Thread-safe.
//
// Several nodes on one database: the queue is the database's (storage::MailStore). enqueue()
// stores the mail before it returns; every node's queue thread claims due mails (a 60 s lease)
// and sends them, so each mail goes out once, from whichever node is up, and a node that dies
// leaves nothing unsent (a mail it had claimed goes out when the claim runs out, from another
// node; only one whose SMTP hand-off finished in the instant before the death can go twice).
class MailQueue {
 public:
  explicit MailQueue(std::unique_ptr<Mailer> mailer, std::string spool_dir = "");
  // The shared queue: `store` outlives this; `node` names this node in claims.
  MailQueue(std::unique_ptr<Mailer> mailer, storage::MailStore& store, std::string node);
  ~MailQueue();  // sends what is queued (for at most a few seconds), then stops
  void enqueue(Mail m);
  const Mailer& mailer() const { return *mailer_; }
  // Blocks until the queue is empty or `ms` passed (CLI commands before they exit).
  void flush(int ms);

 private:
  void run();
  void run_shared();
  bool send_with_retries(const Mail& m);
  std::unique_ptr<Mailer> mailer_;
  storage::MailStore* store_ = nullptr;
  std::string node_;
  std::mutex mu_;
  std::condition_variable cv_;
  struct Queued {
    Mail mail;
    std::string file;  // in the spool folder; empty without one
  };
  std::string spool(const Mail& m);
  void unspool(const Queued& q, bool sent);
  std::string spool_dir_;
  std::deque<Queued> queue_;
  bool stop_ = false;
  int busy_ = 0;
  std::thread thread_;
};

}  // namespace herald::mail
