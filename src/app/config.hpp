// Server configuration from four sources, later ones overriding earlier ones:
//   built-in defaults < config file (TOML, --config or HERALD_CONFIG) < HERALD_* environment
//   variables < command-line flags.
// Every option has the same name in each source: --body-limit-kb, HERALD_BODY_LIMIT_KB,
// body_limit_kb (or body-limit-kb) in the file.
#pragma once
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace herald::app {

struct ServeConfig {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::string data_dir = "var";
  std::string database;       // empty: sqlite:<data_dir>/herald.db
  std::string database_from;  // where it was set (for messages)
  std::string bus;            // empty: the in-process bus
  std::string bus_from;
  std::string media_dir;      // empty: <data_dir>/media
  std::string base_url;  // default: http://<listen>
  bool base_url_given = false;
  unsigned threads = 0;  // 0: one per core
  unsigned blocking_threads = 8;  // writes and per-person pages (they wait on the database)
  unsigned reading_threads = 4;   // reader pages not in the page cache, off the I/O threads
  bool access_log = true;
  bool demo = true;  // seed the demo editions into an empty database
  std::size_t cache_mb = 256;
  std::size_t header_limit_kb = 16;
  std::size_t body_limit_kb = 1024;
  unsigned header_timeout_s = 10;
  unsigned idle_timeout_s = 30;
  unsigned shutdown_timeout_s = 10;
  unsigned page_ttl_s = 300;
  std::string log_level = "info";
  std::string smtp_host;  // empty: mails go to <data>/outbox
  unsigned short smtp_port = 587;
  bool smtp_starttls = true;
  std::string smtp_user;
  std::string smtp_password;
  std::string mail_from = "Herald <herald@localhost>";
  std::string admin_email = "admin@example.org";
  int login_failures_per_ip = 30;
  int login_failures_per_account = 10;
  int mails_per_ip_per_hour = 5;
  std::vector<std::string> live_origins;  // more origins allowed to open /live
  std::size_t live_queue_kb = 1024;
  int live_client_messages = 60;
  unsigned live_batch_ms = 100;
  std::size_t live_history = 500;  // events kept per channel by the in-process bus
  int comment_every_s = 10;        // one comment per N seconds per reader...
  int comment_burst = 3;           // ...with a burst of this many
  int discussion_close_days = 7;   // discussions close by themselves (0: never)
  int comment_held_first = 2;      // each account's first comments wait for a moderator
  bool discussion_auto_switch = true;  // busy or troubled stories go slow / pre-moderated
  int secure_cookies = -1;  // -1: on when base_url is https://
  std::size_t connections_per_ip = 256;      // 0: no cap
  std::size_t database_max_mb = 0;           // 0: no limit but the disk's
  bool print_routes = false;                 // print every route and exit
  std::vector<std::string> trusted_proxies;  // addresses/ranges whose X-Forwarded-For is believed
};

// One option as documented by `herald serve --help`.
struct OptionDoc {
  std::string name;   // flag name without dashes
  std::string value;  // placeholder, e.g. "HOST:PORT"; empty for a switch-like bool
  std::string help;
};
const std::vector<OptionDoc>& serve_options();

struct ConfigError {
  std::string message;  // names the option, its source and what to do
};

// Builds the configuration. `flags` holds --name=value pairs already split from argv;
// `env` the process environment (name -> value). Returns an error for any unknown option,
// malformed value or unreadable config file.
std::variant<ServeConfig, ConfigError> load_config(const std::map<std::string, std::string>& flags,
                                                   const std::map<std::string, std::string>& env);

}  // namespace herald::app
