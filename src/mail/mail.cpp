#include "mail/mail.hpp"

#include <curl/curl.h>
#include <sodium.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "util/clock.hpp"
#include "util/token.hpp"
#include "util/durable.hpp"

namespace herald::mail {

namespace fs = std::filesystem;

namespace {

std::string one_line(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '\r' && c != '\n') out.push_back(c);
  return out;
}

std::string b64(std::string_view data) {
  std::string out(sodium_base64_encoded_len(data.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()),
                    data.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string unb64(std::string_view data) {
  std::string out(data.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), data.data(),
                        data.size(), " \r\n", &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return {};
  out.resize(len);
  return out;
}

std::string encode_header(std::string_view v) {
  bool ascii = std::all_of(v.begin(), v.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x80;
  });
  if (ascii) return std::string(v);
  return "=?UTF-8?B?" + b64(v) + "?=";
}

std::string address_of(const std::string& from) {
  auto lt = from.find('<');
  auto gt = from.find('>');
  if (lt != std::string::npos && gt != std::string::npos && gt > lt)
    return from.substr(lt + 1, gt - lt - 1);
  return from;
}

class SmtpMailer : public Mailer {
 public:
  explicit SmtpMailer(SmtpConfig c) : c_(std::move(c)) {}
  std::string describe() const override {
    return "SMTP " + c_.host + ":" + std::to_string(c_.port) +
           (c_.starttls ? " (STARTTLS)" : " (no TLS)");
  }
  void send(const Mail& m) override {
    std::string payload = format_message(m, c_.from, std::time(nullptr));
    CURL* curl = curl_easy_init();
    if (!curl) throw MailError("libcurl could not start");
    struct Reader {
      std::string_view data;
      static std::size_t read(char* buf, std::size_t size, std::size_t n, void* p) {
        auto* r = static_cast<Reader*>(p);
        std::size_t k = std::min(size * n, r->data.size());
        std::copy_n(r->data.data(), k, buf);
        r->data.remove_prefix(k);
        return k;
      }
    } reader{payload};
    std::string url = "smtp://" + c_.host + ":" + std::to_string(c_.port);
    std::string from = address_of(c_.from);
    std::string rcpt = fmt::format("<{}>", one_line(m.to));
    curl_slist* rcpts = curl_slist_append(nullptr, rcpt.c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    std::string mail_from = fmt::format("<{}>", from);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpts);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, &Reader::read);
    curl_easy_setopt(curl, CURLOPT_READDATA, &reader);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(c_.timeout_s));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    if (c_.starttls) curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!c_.user.empty()) {
      curl_easy_setopt(curl, CURLOPT_USERNAME, c_.user.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, c_.password.c_str());
    }
    CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(rcpts);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK)
      throw MailError("SMTP to " + c_.host + ":" + std::to_string(c_.port) +
                      " failed: " + curl_easy_strerror(rc));
  }

 private:
  SmtpConfig c_;
};

class FolderMailer : public Mailer {
 public:
  FolderMailer(std::string dir, std::string from) : dir_(std::move(dir)), from_(std::move(from)) {}
  std::string describe() const override { return "outbox folder " + dir_; }
  void send(const Mail& m) override {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    auto now = std::time(nullptr);
    std::string name = std::to_string(now) + "-" + util::random_token().substr(0, 12) + ".eml";
    try {
      util::write_durably(dir_ + "/" + name, format_message(m, from_, now));
    } catch (const std::exception& e) {
      throw MailError(e.what());
    }
  }

 private:
  std::string dir_, from_;
};

}  // namespace

std::string format_message(const Mail& m, const std::string& from, long long unix_time) {
  char date[64];
  std::time_t t = static_cast<std::time_t>(unix_time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  std::string domain = address_of(from);
  domain = domain.substr(domain.find('@') == std::string::npos ? 0 : domain.find('@') + 1);
  std::string body = b64(m.text);
  std::string wrapped;
  for (std::size_t i = 0; i < body.size(); i += 76) wrapped += body.substr(i, 76) + "\r\n";
  std::string msg;
  msg += "Date: " + std::string(date) + "\r\n";
  msg += "From: " + one_line(from) + "\r\n";
  msg += "To: <" + one_line(m.to) + ">\r\n";
  msg += "Subject: " + encode_header(one_line(m.subject)) + "\r\n";
  msg += "Message-ID: <" + util::random_token().substr(0, 24) + "@" + domain + ">\r\n";
  msg += "MIME-Version: 1.0\r\n";
  msg += "Content-Type: text/plain; charset=utf-8\r\n";
  msg += "Content-Transfer-Encoding: base64\r\n\r\n";
  msg += wrapped;
  return msg;
}

std::unique_ptr<Mailer> smtp_mailer(SmtpConfig c) {
  static const bool init = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)init;
  return std::make_unique<SmtpMailer>(std::move(c));
}

std::unique_ptr<Mailer> folder_mailer(std::string dir, std::string from) {
  return std::make_unique<FolderMailer>(std::move(dir), std::move(from));
}

std::vector<OutboxEntry> read_outbox(const std::string& dir, int limit) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".eml" && e.path().filename().string()[0] != '.')
      files.push_back(e.path());
  std::sort(files.begin(), files.end(), std::greater<>());
  if (files.size() > static_cast<std::size_t>(limit)) files.resize(limit);
  std::vector<OutboxEntry> out;
  for (auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string msg = ss.str();
    OutboxEntry e;
    e.file = f.filename().string();
    e.time = std::atoll(e.file.c_str());
    auto split = msg.find("\r\n\r\n");
    std::string head = msg.substr(0, split);
    std::istringstream hs(head);
    for (std::string line; std::getline(hs, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.rfind("To: <", 0) == 0) e.to = line.substr(5, line.size() - 6);
      if (line.rfind("Subject: ", 0) == 0) {
        e.subject = line.substr(9);
        if (e.subject.rfind("=?UTF-8?B?", 0) == 0 && e.subject.size() > 12)
          e.subject = unb64(e.subject.substr(10, e.subject.size() - 12));
      }
    }
    if (split != std::string::npos) e.text = unb64(msg.substr(split + 4));
    out.push_back(std::move(e));
  }
  return out;
}

namespace {
std::int64_t unix_now() { return util::system_clock().now(); }

// A spooled mail: the address, the subject, then the text.
std::string spooled(const Mail& m) { return one_line(m.to) + "\n" + one_line(m.subject) + "\n" + m.text; }
std::optional<Mail> unspooled(const std::string& data) {
  auto a = data.find('\n');
  auto b = a == std::string::npos ? a : data.find('\n', a + 1);
  if (b == std::string::npos) return std::nullopt;
  return Mail{data.substr(0, a), data.substr(a + 1, b - a - 1), data.substr(b + 1)};
}
}  // namespace

MailQueue::MailQueue(std::unique_ptr<Mailer> mailer, std::string spool_dir)
    : mailer_(std::move(mailer)), spool_dir_(std::move(spool_dir)) {
  if (!spool_dir_.empty()) {
    std::error_code ec;
    fs::create_directories(spool_dir_, ec);
    std::vector<std::string> left;
    for (auto& e : fs::directory_iterator(spool_dir_, ec))
      if (e.is_regular_file() && e.path().extension() == ".mail") left.push_back(e.path().string());
    std::sort(left.begin(), left.end());  // names start with the time: oldest first
    for (auto& f : left) {
      std::ifstream in(f, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      if (auto m = unspooled(ss.str()))
        queue_.push_back({std::move(*m), f});
      else
        spdlog::error("mail: {} is not a spooled mail; left where it is", f);
    }
    if (!queue_.empty())
      spdlog::info("mail: {} mails queued before the last stop go out now", queue_.size());
  }
  thread_ = std::thread([this] { run(); });
}

MailQueue::MailQueue(std::unique_ptr<Mailer> mailer, storage::MailStore& store, std::string node)
    : mailer_(std::move(mailer)), store_(&store), node_(std::move(node)) {
  thread_ = std::thread([this] { run_shared(); });
}

std::string MailQueue::spool(const Mail& m) {
  if (spool_dir_.empty()) return {};
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%020lld", static_cast<long long>(
      std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::system_clock::now().time_since_epoch()).count()));
  std::string file = spool_dir_ + "/" + stamp + "-" + util::random_token().substr(0, 8) + ".mail";
  util::write_durably(file, spooled(m));
  return file;
}

void MailQueue::unspool(const Queued& q, bool sent) {
  if (q.file.empty()) return;
  std::error_code ec;
  if (sent) {
    fs::remove(q.file, ec);
  } else {
    fs::create_directories(spool_dir_ + "/failed", ec);
    fs::rename(q.file, spool_dir_ + "/failed/" + fs::path(q.file).filename().string(), ec);
  }
  if (ec) spdlog::error("mail: cannot tidy the spooled {}: {}", q.file, ec.message());
}

MailQueue::~MailQueue() {
  flush(5000);
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void MailQueue::enqueue(Mail m) {
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= 1000) {
      spdlog::error("mail: queue full, dropping mail to {} ({})", m.to, m.subject);
      return;
    }
  }
  if (store_) {
    try {
      store_->add(m.to, m.subject, m.text, unix_now());  // stored before the request is answered
      cv_.notify_all();
      return;
    } catch (const std::exception& e) {
      spdlog::error("mail: cannot store mail to {} in the database: {}; sending from memory only",
                    m.to, e.what());
    }
  }
  std::string file;
  try {
    file = spool(m);  // on disk before the request that asked for it is answered
  } catch (const std::exception& e) {
    spdlog::error("mail: cannot spool mail to {}: {}; sending from memory only", m.to, e.what());
  }
  {
    std::lock_guard lock(mu_);
    queue_.push_back({std::move(m), std::move(file)});
  }
  cv_.notify_all();
}

void MailQueue::flush(int ms) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(ms), [&] { return queue_.empty() && busy_ == 0; });
}

void MailQueue::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;
    Queued q = std::move(queue_.front());
    queue_.pop_front();
    ++busy_;
    lock.unlock();
    bool sent = send_with_retries(q.mail);
    unspool(q, sent);
    lock.lock();
    --busy_;
    cv_.notify_all();
  }
}

bool MailQueue::send_with_retries(const Mail& m) {
  for (int attempt = 1; attempt <= 3; ++attempt) {
    try {
      mailer_->send(m);
      spdlog::info("mail: sent \"{}\" to {} via {}", m.subject, m.to, mailer_->describe());
      return true;
    } catch (const std::exception& e) {
      spdlog::warn("mail: attempt {} of 3 failed: {}", attempt, e.what());
      if (attempt < 3) std::this_thread::sleep_for(std::chrono::seconds(attempt * 2));
    }
  }
  return false;
}

// The shared queue: what the database holds for any node, claimed a few at a time (woken by
// this node's own enqueue(), and every 2 s for the others'); mail that could not be stored
// waits in memory.
void MailQueue::run_shared() {
  constexpr int kLease = 60;
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait_for(lock, std::chrono::seconds(2));
    bool stopping = stop_;
    std::deque<Queued> local;
    local.swap(queue_);
    ++busy_;
    lock.unlock();
    for (auto& q : local) send_with_retries(q.mail);
    for (;;) {
      std::vector<storage::QueuedMail> due;
      try {
        due = store_->claim(node_, unix_now(), kLease, 10);
      } catch (const std::exception& e) {
        spdlog::error("mail: cannot read the mail queue: {}", e.what());
      }
      for (auto& d : due) {
        Mail m{d.to, d.subject, d.text};
        try {
          mailer_->send(m);
          spdlog::info("mail: sent \"{}\" to {} via {}", m.subject, m.to, mailer_->describe());
          store_->sent(d.id, unix_now());
        } catch (const std::exception& e) {
          // Three tries, 2 s and 4 s apart, from whichever node claims it next.
          int tries = d.attempts + 1;
          spdlog::warn("mail: attempt {} of 3 to {} failed: {}", tries, m.to, e.what());
          try {
            store_->failed(d.id, e.what(), tries < 3 ? unix_now() + tries * 2 : 0, unix_now());
          } catch (const std::exception& e2) {
            spdlog::error("mail: cannot record the failure: {}", e2.what());
          }
        }
      }
      if (due.size() < 10) break;
    }
    lock.lock();
    --busy_;
    cv_.notify_all();
    if (stopping) return;
  }
}

}  // namespace herald::mail
