#include "app/config.hpp"

#include <toml++/toml.h>

#include "net/message.hpp"
#include "storage/stores.hpp"

#include <charconv>
#include <sstream>

namespace herald::app {

const std::vector<OptionDoc>& serve_options() {
  static const std::vector<OptionDoc> docs = {
      {"listen", "HOST:PORT", "address to serve on (default 127.0.0.1:8080)"},
      {"data", "DIR",
       "data folder: the SQLite database, photos and caches (default ./var); on PostgreSQL "
       "only caches"},
      {"database", "URL",
       "postgresql://USER@HOST:PORT/DB to share one database between several nodes (default: "
       "sqlite: in the data folder)"},
      {"bus", "URL",
       "nats://HOST:PORT: NATS JetStream carries live events between nodes (default: in this "
       "process only)"},
      {"media-dir", "DIR",
       "folder of photos and their renditions; several nodes share one (default DATA/media)"},
      {"base-url", "URL",
       "public address used in links, feeds and sitemaps (default http://LISTEN)"},
      {"threads", "N", "I/O threads, 1-256 (default: one per core)"},
      {"blocking-threads", "N",
       "threads for writes and per-person pages, which wait on the database, 1-256 (default 8)"},
      {"reading-threads", "N",
       "threads for reader pages read from the database (PostgreSQL, photos), 1-256 (default 4)"},
      {"access-log", "on|off", "one log line per request (default on)"},
      {"demo", "on|off", "create the demo editions when the database is empty (default on)"},
      {"cache-mb", "N", "page cache size in MiB, the memory files it sends pages from included; 0 turns it off (default 256)"},
      {"page-ttl-s", "SECONDS", "longest a cached page lives without being purged (default 300)"},
      {"header-limit-kb", "N", "largest request head in KiB; larger gets 431 (default 16)"},
      {"body-limit-kb", "N", "largest request body in KiB; larger gets 413 (default 1024)"},
      {"header-timeout-s", "SECONDS",
       "time to send the request head; slower gets 408 (default 10)"},
      {"idle-timeout-s", "SECONDS", "keep-alive idle time before closing (default 30)"},
      {"shutdown-timeout-s", "SECONDS", "time in-flight requests get on SIGTERM (default 10)"},
      {"log-level", "LEVEL", "trace, debug, info, warn or error (default info)"},
      {"smtp-host", "HOST",
       "SMTP server for account mails; empty: mails go to DATA/outbox, listed at /newsroom/outbox"},
      {"smtp-port", "PORT", "SMTP port (default 587)"},
      {"smtp-starttls", "on|off", "require STARTTLS; off only for a local relay (default on)"},
      {"smtp-user", "NAME", "SMTP login (default none)"},
      {"smtp-password", "SECRET", "SMTP password (prefer HERALD_SMTP_PASSWORD or the file)"},
      {"mail-from", "ADDRESS", "sender of account mails (default Herald <herald@localhost>)"},
      {"admin-email", "EMAIL",
       "address of the first administrator, created on the first start (default "
       "admin@example.org)"},
      {"login-failures-per-ip", "N",
       "failed logins one address may make in 10 minutes before 429 (default 30)"},
      {"login-failures-per-account", "N",
       "failed logins on one account in 10 minutes before 429, except from browsers that "
       "logged in to it before (default 10)"},
      {"mails-per-ip-per-hour", "N",
       "registration and password-reset mails one address may ask for in an hour (default 5)"},
      {"live-origins", "URL,URL",
       "other origins whose pages may open the live WebSocket (the site's own always may)"},
      {"live-queue-kb", "N",
       "outgoing backlog per WebSocket before a too-slow reader is closed (default 1024)"},
      {"live-client-messages-per-10s", "N",
       "messages one WebSocket may send in 10 s before it is closed (default 60)"},
      {"live-history", "N",
       "live events kept per channel for readers who reconnect, on one node (default 500; "
       "several nodes: the NATS stream keeps an hour)"},
      {"live-batch-ms", "MS",
       "a channel that sent less than this long ago gathers its next events into one frame "
       "(default 100; 0: every event alone)"},
      {"comment-every-s", "N",
       "one comment per N seconds per reader, across every node (default 10)"},
      {"comment-burst", "N", "comments a reader may post in a row before that rate applies (default 3)"},
      {"discussion-auto-switch", "on|off",
       "a story commented far faster than before goes to slow mode, one whose comments are "
       "mostly refused to pre-moderation, by itself (default on)"},
      {"comment-held-first", "N",
       "each account's first N comments wait for a moderator (default 2; 0: none)"},
      {"discussion-close-days", "N",
       "a story's discussion closes by itself N days after publication (default 7; 0: never)"},
      {"secure-cookies", "on|off",
       "Secure, __Host- cookies (default: on when base-url is https://)"},
      {"connections-per-ip", "N",
       "open connections one address may hold; more are closed at once (default 256; 0: no "
       "cap; trusted proxies have none)"},
      {"trusted-proxies", "IP,CIDR",
       "reverse proxies in front of Herald (e.g. 127.0.0.1,10.0.0.0/8): only from these is "
       "X-Forwarded-For believed for the reader's address (default none)"},
      {"database-max-mb", "N",
       "largest the database may grow, in MiB; writes past it are refused with 503 while "
       "reading goes on, as with a full disk (default 0: no limit)"},
      {"print-routes", "on|off",
       "print every route (METHOD PATTERN) and every live message type, then exit"},
      {"config", "FILE", "TOML config file with the same option names"},
  };
  return docs;
}

namespace {

// nats://HOST:PORT (also several, comma-separated, for a NATS cluster).
bool valid_bus_url(const std::string& v) {
  std::stringstream ss(v);
  std::string one;
  bool any = false;
  while (std::getline(ss, one, ',')) {
    if (one.rfind("nats://", 0) != 0) return false;
    auto rest = one.substr(7);
    auto at = rest.rfind('@');
    if (at != std::string::npos) rest = rest.substr(at + 1);
    auto colon = rest.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 >= rest.size()) return false;
    for (char ch : rest.substr(colon + 1))
      if (ch < '0' || ch > '9') return false;
    any = true;
  }
  return any;
}

std::string env_name(const std::string& opt) {
  std::string s = "HERALD_";
  for (char c : opt)
    s.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return s;
}

bool known(const std::string& name) {
  for (auto& d : serve_options())
    if (d.name == name) return true;
  return false;
}

struct Source {
  std::string value;
  std::string where;  // "--listen", "HERALD_LISTEN", "config file x.toml"
};

template <class T>
bool parse_uint(const std::string& s, T& out, unsigned long long lo, unsigned long long hi) {
  unsigned long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi) return false;
  out = static_cast<T>(v);
  return true;
}

bool parse_bool(const std::string& s, bool& out) {
  if (s == "on" || s == "true" || s == "yes" || s == "1") {
    out = true;
    return true;
  }
  if (s == "off" || s == "false" || s == "no" || s == "0") {
    out = false;
    return true;
  }
  return false;
}

}  // namespace

std::variant<ServeConfig, ConfigError> load_config(const std::map<std::string, std::string>& flags,
                                                   const std::map<std::string, std::string>& env) {
  std::map<std::string, Source> values;  // option -> winning source
  // Lowest first; later assignments override.
  std::string config_file;
  if (auto it = env.find("HERALD_CONFIG"); it != env.end()) config_file = it->second;
  if (auto it = flags.find("config"); it != flags.end()) config_file = it->second;
  if (!config_file.empty()) {
    toml::table tbl;
    try {
      tbl = toml::parse_file(config_file);
    } catch (const toml::parse_error& e) {
      std::ostringstream os;
      os << "config file " << config_file << ": " << e.description() << " (line "
         << e.source().begin.line << "); fix the file or drop --config";
      return ConfigError{os.str()};
    }
    for (auto& [k, v] : tbl) {
      std::string key(k.str());
      for (auto& c : key)
        if (c == '_') c = '-';
      if (!known(key) || key == "config")
        return ConfigError{"config file " + config_file + ": unknown option '" +
                           std::string(k.str()) + "'; see `herald serve --help` for the list"};
      std::string val;
      if (auto s = v.value<std::string>())
        val = *s;
      else if (auto i = v.value<std::int64_t>())
        val = std::to_string(*i);
      else if (auto b = v.value<bool>())
        val = *b ? "on" : "off";
      else
        return ConfigError{"config file " + config_file + ": option '" + key +
                           "' must be a string, number or boolean"};
      values[key] = {val, "config file " + config_file + " (" + std::string(k.str()) + ")"};
    }
  }
  for (auto& d : serve_options()) {
    if (d.name == "config") continue;
    if (auto it = env.find(env_name(d.name)); it != env.end())
      values[d.name] = {it->second, env_name(d.name)};
  }
  for (auto& [k, v] : flags) {
    if (!known(k)) return ConfigError{"unknown option --" + k + "; see `herald serve --help`"};
    if (k != "config") values[k] = {v, "--" + k};
  }

  ServeConfig c;
  auto bad = [&](const std::string& opt, const std::string& expected) {
    auto& s = values[opt];
    return ConfigError{"invalid value '" + s.value + "' for " + opt + " (from " + s.where +
                       "): expected " + expected};
  };
  for (auto& [k, s] : values) {
    const std::string& v = s.value;
    if (k == "listen") {
      auto colon = v.rfind(':');
      if (colon == std::string::npos || colon == 0)
        return bad(k, "HOST:PORT such as 127.0.0.1:8080");
      c.host = v.substr(0, colon);
      if (c.host.size() > 2 && c.host.front() == '[' && c.host.back() == ']')
        c.host = c.host.substr(1, c.host.size() - 2);
      if (!parse_uint(v.substr(colon + 1), c.port, 0, 65535))
        return bad(k, "HOST:PORT with a port from 0 to 65535");
    } else if (k == "data") {
      if (v.empty()) return bad(k, "a folder path");
      c.data_dir = v;
    } else if (k == "database") {
      storage::DatabaseUrl u;
      std::string why;
      if (!v.empty() && !storage::parse_database_url(v, u, why)) return bad(k, why);
      c.database = v;
      c.database_from = s.where;
    } else if (k == "bus") {
      if (!v.empty() && !valid_bus_url(v)) return bad(k, "nats://HOST:PORT");
      c.bus = v;
      c.bus_from = s.where;
    } else if (k == "media-dir") {
      if (v.empty()) return bad(k, "a folder path");
      c.media_dir = v;
    } else if (k == "base-url") {
      if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0)
        return bad(k, "an http:// or https:// address");
      c.base_url = v;
      while (!c.base_url.empty() && c.base_url.back() == '/') c.base_url.pop_back();
      c.base_url_given = true;
    } else if (k == "reading-threads") {
      if (!parse_uint(v, c.reading_threads, 1, 256)) return bad(k, "a number from 1 to 256");
    } else if (k == "blocking-threads") {
      if (!parse_uint(v, c.blocking_threads, 1, 256)) return bad(k, "a number from 1 to 256");
    } else if (k == "threads") {
      if (!parse_uint(v, c.threads, 1, 256)) return bad(k, "a number from 1 to 256");
    } else if (k == "access-log") {
      if (!parse_bool(v, c.access_log)) return bad(k, "on or off");
    } else if (k == "demo") {
      if (!parse_bool(v, c.demo)) return bad(k, "on or off");
    } else if (k == "cache-mb") {
      if (!parse_uint(v, c.cache_mb, 0, 1 << 20))
        return bad(k, "a size in MiB from 0 (no page cache) to 1048576");
    } else if (k == "page-ttl-s") {
      if (!parse_uint(v, c.page_ttl_s, 1, 86400)) return bad(k, "seconds from 1 to 86400");
    } else if (k == "header-limit-kb") {
      if (!parse_uint(v, c.header_limit_kb, 1, 1024)) return bad(k, "a size in KiB from 1 to 1024");
    } else if (k == "body-limit-kb") {
      if (!parse_uint(v, c.body_limit_kb, 1, 1 << 20))
        return bad(k, "a size in KiB from 1 to 1048576");
    } else if (k == "header-timeout-s") {
      if (!parse_uint(v, c.header_timeout_s, 1, 3600)) return bad(k, "seconds from 1 to 3600");
    } else if (k == "idle-timeout-s") {
      if (!parse_uint(v, c.idle_timeout_s, 1, 3600)) return bad(k, "seconds from 1 to 3600");
    } else if (k == "shutdown-timeout-s") {
      if (!parse_uint(v, c.shutdown_timeout_s, 0, 600)) return bad(k, "seconds from 0 to 600");
    } else if (k == "smtp-host") {
      c.smtp_host = v;
    } else if (k == "smtp-port") {
      if (!parse_uint(v, c.smtp_port, 1, 65535)) return bad(k, "a port from 1 to 65535");
    } else if (k == "smtp-starttls") {
      if (!parse_bool(v, c.smtp_starttls)) return bad(k, "on or off");
    } else if (k == "smtp-user") {
      c.smtp_user = v;
    } else if (k == "smtp-password") {
      c.smtp_password = v;
    } else if (k == "mail-from") {
      if (v.find('@') == std::string::npos || v.find('\n') != std::string::npos)
        return bad(k, "an address such as \"Herald <news@example.org>\"");
      c.mail_from = v;
    } else if (k == "admin-email") {
      if (v.find('@') == std::string::npos) return bad(k, "an email address");
      c.admin_email = v;
    } else if (k == "login-failures-per-ip") {
      if (!parse_uint(v, c.login_failures_per_ip, 1, 100000)) return bad(k, "a number from 1 to 100000");
    } else if (k == "login-failures-per-account") {
      if (!parse_uint(v, c.login_failures_per_account, 1, 100000))
        return bad(k, "a number from 1 to 100000");
    } else if (k == "mails-per-ip-per-hour") {
      if (!parse_uint(v, c.mails_per_ip_per_hour, 1, 100000)) return bad(k, "a number from 1 to 100000");
    } else if (k == "live-queue-kb") {
      if (!parse_uint(v, c.live_queue_kb, 4, 1 << 20)) return bad(k, "a size in KiB from 4 to 1048576");
    } else if (k == "live-client-messages-per-10s") {
      if (!parse_uint(v, c.live_client_messages, 1, 1000000)) return bad(k, "a number from 1 to 1000000");
    } else if (k == "live-history") {
      if (!parse_uint(v, c.live_history, 10, 100000)) return bad(k, "a number from 10 to 100000");
    } else if (k == "live-batch-ms") {
      if (!parse_uint(v, c.live_batch_ms, 0, 5000)) return bad(k, "milliseconds from 0 to 5000");
    } else if (k == "comment-every-s") {
      if (!parse_uint(v, c.comment_every_s, 1, 86400)) return bad(k, "seconds from 1 to 86400");
    } else if (k == "comment-burst") {
      if (!parse_uint(v, c.comment_burst, 1, 1000000)) return bad(k, "a number from 1 to 1000000");
    } else if (k == "discussion-auto-switch") {
      if (v != "on" && v != "off") return bad(k, "on or off");
      c.discussion_auto_switch = v == "on";
    } else if (k == "comment-held-first") {
      if (!parse_uint(v, c.comment_held_first, 0, 1000)) return bad(k, "a number from 0 to 1000");
    } else if (k == "discussion-close-days") {
      if (!parse_uint(v, c.discussion_close_days, 0, 36500)) return bad(k, "days from 0 to 36500");
    } else if (k == "live-origins") {
      std::size_t pos = 0;
      while (pos <= v.size()) {
        auto comma = v.find(',', pos);
        std::string o = v.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        while (!o.empty() && o.back() == '/') o.pop_back();
        if (!o.empty()) {
          if (o.rfind("http://", 0) != 0 && o.rfind("https://", 0) != 0)
            return bad(k, "origins such as https://news.example.org, separated by commas");
          c.live_origins.push_back(o);
        }
        if (comma == std::string::npos) break;
        pos = comma + 1;
      }
    } else if (k == "connections-per-ip") {
      if (!parse_uint(v, c.connections_per_ip, 0, 1000000))
        return bad(k, "a number from 0 (no cap) to 1000000");
    } else if (k == "print-routes") {
      if (!parse_bool(v, c.print_routes)) return bad(k, "on or off");
    } else if (k == "database-max-mb") {
      if (!parse_uint(v, c.database_max_mb, 0, 1u << 24))
        return bad(k, "a size in MiB from 0 (no limit) to 16777216");
    } else if (k == "trusted-proxies") {
      std::size_t pos = 0;
      while (pos <= v.size()) {
        auto comma = v.find(',', pos);
        std::string r = v.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        while (!r.empty() && r.front() == ' ') r.erase(r.begin());
        while (!r.empty() && r.back() == ' ') r.pop_back();
        if (!r.empty()) {
          if (!net::valid_ip_range(r))
            return bad(k, "IP addresses or CIDR ranges such as 127.0.0.1,10.0.0.0/8");
          c.trusted_proxies.push_back(r);
        }
        if (comma == std::string::npos) break;
        pos = comma + 1;
      }
    } else if (k == "secure-cookies") {
      bool b = false;
      if (!parse_bool(v, b)) return bad(k, "on or off");
      c.secure_cookies = b ? 1 : 0;
    } else if (k == "log-level") {
      if (v != "trace" && v != "debug" && v != "info" && v != "warn" && v != "error")
        return bad(k, "trace, debug, info, warn or error");
      c.log_level = v;
    }
  }
  if (c.base_url.empty()) {
    std::string h = c.host == "0.0.0.0" || c.host == "::" ? "127.0.0.1" : c.host;
    if (h.find(':') != std::string::npos) h = "[" + h + "]";
    c.base_url = "http://" + h + ":" + std::to_string(c.port);
  }
  if (c.secure_cookies < 0) c.secure_cookies = c.base_url.rfind("https://", 0) == 0 ? 1 : 0;
  return c;
}

}  // namespace herald::app
