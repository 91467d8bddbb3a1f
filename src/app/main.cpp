// herald: the command-line entry point (serve, demo, migrate, publish, unpublish, user, token).
#ifdef HERALD_TCMALLOC
#include <gperftools/malloc_extension.h>
#endif
#include <fmt/format.h>
#include <malloc.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "accounts/password.hpp"
#include "accounts/service.hpp"
#include "app/config.hpp"
#include "chat/chat.hpp"
#include "live/bus.hpp"
#include "live/nats_bus.hpp"
#include "live/hub.hpp"
#include "live/endpoint.hpp"
#include "live/newsfeed.hpp"
#include "events/relay.hpp"
#include "demo/demo.hpp"
#include "i18n/i18n.hpp"
#include "mail/mail.hpp"
#include "storage/stores.hpp"
#include "net/server.hpp"
#include "accounts/module.hpp"
#include "chat/module.hpp"
#include "discussion/module.hpp"
#include "live/channel_router.hpp"
#include "newsroom/module.hpp"
#include "site/site.hpp"
#include "web/app.hpp"
#include "storage/store.hpp"
#include "util/buffered_log.hpp"

extern char** environ;

namespace {

using namespace herald;

constexpr const char* kUsage = R"(Herald — a news publishing platform in one binary.

Usage: herald COMMAND [OPTIONS]

Commands:
  serve       serve the site (run `herald serve --help` for every option)
  demo        fill an empty data folder with the demo editions
                --data DIR        data folder (default ./var)
                --database URL    postgresql://... instead of SQLite in the data folder
                --media-dir DIR   photos (default DATA/media)
                --articles N      stories in all (default 300: 150 per edition)
                --images N        generated photographs (default 16)
  migrate     create or upgrade the database schema, then exit   (--data DIR | --database URL)
  migrate --from sqlite:PATH --to postgresql://...   copy a site into PostgreSQL (again: it
                catches up), then compare every table's rows and checksum
  publish     publish a story now            (--data DIR | --database URL, --id N)
  unpublish   take a story off the site      (--data DIR | --database URL, --id N)
  user create   --email E --role R [--name N]  create an account and print a one-time login
                link (roles: reader contributor author editor moderator admin)
  user role     --email E --role R            change an account's role (its sessions end)
  user disable  --email E / user enable --email E
  user link     --email E                     print a one-time login link
  token create  --email E [--name N]          create a personal API token and print it
  version     print the version

Options for every command may also come from HERALD_* environment variables
(HERALD_DATA=/srv/herald) and, for serve, from a TOML file (--config FILE).
Exit codes: 0 success, 1 runtime failure, 2 bad usage or configuration.
)";

void serve_help() {
  std::cout << "Usage: herald serve [OPTIONS]\n\nServes every edition of the site from one data "
               "folder.\n\n"
               "Options (flag / environment variable / config file key):\n";
  for (auto& d : app::serve_options()) {
    std::string flag = "--" + d.name + (d.value.empty() ? "" : " " + d.value);
    std::string env = "HERALD_";
    for (char c : d.name)
      env.push_back(c == '-' ? '_'
                             : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    std::string key = d.name;
    for (auto& c : key)
      if (c == '-') c = '_';
    std::printf("  %-32s %s\n  %-32s %s / %s\n", flag.c_str(), d.help.c_str(), "", env.c_str(),
                key.c_str());
  }
  std::cout << "\nPrecedence: flags > environment > config file > defaults.\n"
               "A bad value stops start-up with a message naming the option (exit code 2).\n";
}

// Splits "--name value" / "--name=value" into a map. Returns false on a stray argument.
bool parse_flags(int argc, char** argv, int from, std::map<std::string, std::string>& out,
                 std::string& err) {
  for (int i = from; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0 || a.size() < 3) {
      err = "unexpected argument '" + a + "'";
      return false;
    }
    a = a.substr(2);
    auto eq = a.find('=');
    if (eq != std::string::npos) {
      out[a.substr(0, eq)] = a.substr(eq + 1);
    } else if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) {
      out[a] = argv[++i];
    } else {
      out[a] = "on";
    }
  }
  return true;
}

std::map<std::string, std::string> environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string s = *e;
    auto eq = s.find('=');
    if (eq != std::string::npos && s.rfind("HERALD_", 0) == 0)
      env[s.substr(0, eq)] = s.substr(eq + 1);
  }
  return env;
}

std::string value_or(const std::map<std::string, std::string>& flags,
                     const std::map<std::string, std::string>& env, const std::string& name,
                     const std::string& env_name, const std::string& def) {
  if (auto it = flags.find(name); it != flags.end()) return it->second;
  if (auto it = env.find(env_name); it != env.end()) return it->second;
  return def;
}

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "herald: %s\nRun `herald --help` for usage.\n", msg.c_str());
  return 2;
}

// Where a site's data lives: its database (a URL; empty: SQLite in the data folder), the data
// folder (caches; on SQLite the database too) and the photos.
struct Place {
  std::string data_dir = "var";
  std::string database;
  std::string media_dir;  // empty: <data_dir>/media
  std::string media() const { return media_dir.empty() ? data_dir + "/media" : media_dir; }
  std::string url() const { return database.empty() ? "sqlite:" + data_dir + "/herald.db" : database; }
};

// The stores of the site (the data and media folders are created if needed).
std::unique_ptr<storage::Stores> open_store(const Place& place) {
  std::error_code ec;
  std::filesystem::create_directories(place.data_dir, ec);
  if (!ec) std::filesystem::create_directories(place.media(), ec);
  if (ec)
    throw storage::StorageError("cannot create the data folders " + place.data_dir + " and " +
                                place.media() + ": " + ec.message() +
                                " (choose others with --data and --media-dir)");
  return storage::open_stores(place.url());
}
Place place_of(const app::ServeConfig& c) { return Place{c.data_dir, c.database, c.media_dir}; }

// Mail texts from the catalog of the default edition's language.
accounts::MailText mail_texts(storage::NewsStore& store, const i18n::Catalog& catalog) {
  std::string lang = "en", site = "Herald";
  for (auto& e : store.editions())
    if (e.is_default) {
      lang = e.language;
      site = e.site_name;
    }
  return [lang, site, &catalog](const std::string& key, const std::string& name,
                                const std::string& link) {
    auto fill = [&](std::string text) {
      for (auto [k, v] : {std::pair<std::string, std::string>{"{name}", name}, {"{link}", link},
                          {"{site}", site}})
        for (auto pos = text.find(k); pos != std::string::npos; pos = text.find(k, pos + v.size()))
          text.replace(pos, k.size(), v);
      return text;
    };
    return std::pair{site + ": " + catalog.text(lang, key + "_subject"),
                     fill(catalog.text(lang, key + "_text"))};
  };
}

accounts::AccountsOptions accounts_options(const app::ServeConfig& cfg) {
  accounts::AccountsOptions ao;
  ao.base_url = cfg.base_url;
  ao.login_failures_per_ip = cfg.login_failures_per_ip;
  ao.login_failures_per_account = cfg.login_failures_per_account;
  ao.mails_per_ip_per_hour = cfg.mails_per_ip_per_hour;
  return ao;
}

// A progress bar on stderr for long jobs.
void progress_bar(std::int64_t done, std::int64_t total, const char* stage) {
  static std::string last_stage;
  static int last_pct = -1;
  int pct = total ? static_cast<int>(done * 100 / total) : 100;
  if (stage == last_stage && pct == last_pct) return;
  if (stage != last_stage && !last_stage.empty()) std::fputc('\n', stderr);
  last_stage = stage;
  last_pct = pct;
  int bars = pct / 4;
  std::fprintf(stderr, "\r%-8s [%-25s] %3d%% %lld/%lld", stage,
               std::string(static_cast<std::size_t>(bars), '#').c_str(), pct,
               static_cast<long long>(done), static_cast<long long>(total));
  std::fflush(stderr);
}

int run_demo(storage::NewsStore& store, const Place& place, std::int64_t stories, int images) {
  demo::DemoOptions o;
  o.stories = stories;
  o.images = images;
  o.media_dir = place.media();
  // Story bodies are stored with their HTML, rendered by the site's own templates.
  web::Options so;
  so.data_dir = place.data_dir;
  so.media_dir = place.media_dir;
  web::App app(so, store, nullptr);
  site::Site renderer(app);
  o.prepare = [&renderer](content::Article& a) { renderer.prepare_body(a); };
  auto t0 = std::chrono::steady_clock::now();
  auto rep = demo::generate(store, o, progress_bar);
  std::fputc('\n', stderr);
  if (!rep.error.empty()) {
    std::fprintf(stderr, "herald demo: %s\n", rep.error.c_str());
    return 1;
  }
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "demo: %d editions, %d sections, %lld stories, %d photographs in %.1f s\n",
               rep.editions, rep.sections, static_cast<long long>(rep.stories), rep.images, secs);
  return 0;
}

int cmd_serve(const std::map<std::string, std::string>& flags) {
#ifdef HERALD_TCMALLOC
  // Memory a rendered page gave back is kept for the next one instead of going back to the
  // kernel and being faulted in again (+9 % on cache misses, docs/benchmarks.md); the page
  // cache's limit bounds what is kept. TCMALLOC_RELEASE_RATE in the environment overrides it.
  if (!std::getenv("TCMALLOC_RELEASE_RATE")) MallocExtension::instance()->SetMemoryReleaseRate(0);
#endif
  auto loaded = app::load_config(flags, environment());
  if (auto* err = std::get_if<app::ConfigError>(&loaded)) {
    std::fprintf(stderr, "herald serve: %s\n", err->message.c_str());
    return 2;
  }
  auto cfg = std::get<app::ServeConfig>(loaded);
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));
  // Warnings and errors reach the operator at once, also when stdout is a pipe.
  spdlog::flush_on(spdlog::level::warn);
  std::unique_ptr<storage::Stores> store;
  try {
    store = open_store(place_of(cfg));
    if (cfg.database_max_mb) store->limit_size(static_cast<std::int64_t>(cfg.database_max_mb) << 20);
    // Several nodes may start on one empty database at once: the one that claims "demo" fills
    // it; the others serve what it writes (their directory reloads on its catalog event).
    if (cfg.demo && store->news().editions().empty() &&
        store->events().claim("demo", "serve-" + std::to_string(::getpid()), std::time(nullptr),
                              600) &&
        store->news().editions().empty()) {
      std::fprintf(stderr, "Empty database: creating the demo editions in %s\n",
                   store->describe().c_str());
      if (int rc = run_demo(store->news(), place_of(cfg), 0, 16)) return rc;
    }
  } catch (const storage::StorageError& e) {
    std::fprintf(stderr, "herald serve: %s%s\n", e.what(),
                 !cfg.database.empty() && e.kind == storage::StorageError::Kind::Unavailable
                     ? (" (check --database, from " + cfg.database_from + ")").c_str()
                     : "");
    return cfg.database.empty() ? 1 : 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "herald serve: %s\n", e.what());
    return 1;
  }

  // With glibc malloc (sanitizer builds): keep freed memory in the process; returning it to the
  // kernel after every large page costs a TLB shootdown across cores. No-ops under tcmalloc.
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_MMAP_THRESHOLD, 16 << 20);

  // Serving many keep-alive connections needs file descriptors.
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }

  // The access log goes to stdout through per-thread buffers flushed every 100 ms.
  std::unique_ptr<util::BufferedLog> access;
  if (cfg.access_log)
    access = std::make_unique<util::BufferedLog>(STDOUT_FILENO, std::chrono::milliseconds(100));
  net::ServerOptions no;
  no.host = cfg.host;
  no.port = cfg.port;
  no.threads = cfg.threads;
  no.blocking_threads = cfg.blocking_threads;
  no.limits.header_bytes = cfg.header_limit_kb * 1024;
  no.limits.body_bytes = cfg.body_limit_kb * 1024;
  no.limits.header_timeout = std::chrono::seconds(cfg.header_timeout_s);
  no.limits.idle_timeout = std::chrono::seconds(cfg.idle_timeout_s);
  no.limits.shutdown_timeout = std::chrono::seconds(cfg.shutdown_timeout_s);
  // Writes (password hashing, uploads, SMTP hand-off) run on the blocking pool.
  // So do pages that read the session (it may be touched or ended there).
  // The HTTP front and its modules, built after bind() once the address is known. What the
  // server does per route comes from the modules' route rows.
  std::unique_ptr<web::App> app;
  // On PostgreSQL every page read from the database goes there too: no query waits on the
  // network on an I/O thread (SQLite's reads of a local file stay on the I/O thread, measured
  // faster in docs/benchmarks.md).
  bool remote_database = !cfg.database.empty() && cfg.database.rfind("sqlite:", 0) != 0;
  // A photo not yet in the page cache is a file read, perhaps from a shared folder on the
  // network: on the pool too, on every backend.
  no.offload = [&app, remote_database](const net::Request& r) {
    if ((r.method != "GET" && r.method != "HEAD") || app->per_person(r.path)) return true;
    bool media = r.path.rfind("/media/", 0) == 0;
    return (remote_database || media) && !app->answers_from_memory(r);
  };
  // Reader pages that must be read from the database: their own pool (a burst of writes,
  // comments say, never makes readers wait behind it).
  no.reading = [&app](const net::Request& r) {
    return (r.method == "GET" || r.method == "HEAD") && !app->per_person(r.path);
  };
  no.reading_threads = cfg.reading_threads;
  // Forms that take a password hash it: on their own pool, so that the newsroom never waits.
  no.hashing = [&app](const net::Request& r) { return app->hashes_passwords(r); };
  // Uploads: only those the route's row allows get past the ordinary body limit.
  no.authorize_body = [&app](const net::Request& head) { return app->authorize_body(head); };
  no.limits.connections_per_ip = cfg.connections_per_ip;
  no.trusted_proxies = cfg.trusted_proxies;
  no.body_limit = [&app, body = no.limits.body_bytes](std::string_view method,
                                                       std::string_view path) {
    auto n = app->body_limit(method, path);
    return n ? n : body;
  };
  // Live: the event bus (in-process on one node), the chat rules and the WebSocket hub. They
  // outlive the server (declared before it).
  std::unique_ptr<live::EventBus> bus;
  if (cfg.bus.empty()) {
    live::BusOptions bo;
    bo.history_per_channel = cfg.live_history;
    bus = live::in_process_bus(bo);
  } else {
    try {
      bus = live::nats_bus(cfg.bus);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "herald serve: %s (check --bus, from %s)\n", e.what(),
                   cfg.bus_from.c_str());
      return 2;
    }
  }
  // Throttles, flood control and slow mode count in the database when several nodes share it
  // (PostgreSQL), in memory on a single node's SQLite.
  util::Limiter* shared_limits = remote_database ? &store->limits() : nullptr;
  chat::ChatOptions chat_options;
  chat_options.limits = shared_limits;
  chat::ChatService chat(store->news(), store->chat(), store->accounts(), *bus, chat_options);
  live::HubOptions ho;
  ho.messages_per_10s = cfg.live_client_messages;
  ho.batch_window = std::chrono::milliseconds(cfg.live_batch_ms);
  // Several nodes on one bus: chat presence counts every node's readers.
  if (!cfg.bus.empty()) ho.node = events::node_name();
  // The live channels of discussions under stories ("comments:<story>").
  discussion::DiscussionChannels discussion_channels(store->news(), store->comments());
  live::ChannelRouter channels(chat);
  channels.add("comments:", discussion_channels);
  live::Hub hub(*bus, channels, ho);
  no.ws_limits.queue_bytes = cfg.live_queue_kb * 1024;
  no.ws_accept = [&](const net::Request& r) { return app->ws_accept(r); };
  net::Server server(
      no, [&](const net::Request& r) { return app->handle(r); },
      access ? net::AccessLog([&](const net::Request& r, int status, std::size_t bytes,
                                  std::int64_t us) {
        access->append([&](std::string& out) {
          fmt::format_to(std::back_inserter(out), "{} {} {} {} {}B {}us\n",
                         util::BufferedLog::timestamp(), r.method, r.target, status, bytes, us);
        });
      })
             : net::AccessLog());
  try {
    server.bind();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "herald serve: %s\n", e.what());
    return 1;
  }
  if (cfg.port == 0 && !cfg.base_url_given) {  // --listen HOST:0 picks a free port
    auto colon = cfg.base_url.rfind(':');
    cfg.base_url = cfg.base_url.substr(0, colon + 1) + std::to_string(server.port());
  }
  web::Options so;
  so.base_url = cfg.base_url;
  so.data_dir = cfg.data_dir;
  so.media_dir = cfg.media_dir;
  so.cache_bytes = cfg.cache_mb << 20;
  so.page_ttl = std::chrono::seconds(cfg.page_ttl_s);
  so.secure_cookies = cfg.secure_cookies == 1;
  std::unique_ptr<mail::Mailer> mailer;
  if (cfg.smtp_host.empty()) {
    so.outbox_dir = cfg.data_dir + "/outbox";
    mailer = mail::folder_mailer(so.outbox_dir, cfg.mail_from);
  } else {
    mail::SmtpConfig sc;
    sc.host = cfg.smtp_host;
    sc.port = cfg.smtp_port;
    sc.starttls = cfg.smtp_starttls;
    sc.user = cfg.smtp_user;
    sc.password = cfg.smtp_password;
    sc.from = cfg.mail_from;
    mailer = mail::smtp_mailer(sc);
  }
  std::string mail_where = mailer->describe();
  // Queued mail is spooled in the data folder (a crash does not lose it), or, when several
  // nodes share the database, kept there and sent once by whichever node is up.
  std::unique_ptr<mail::MailQueue> mail_queue_ptr =
      remote_database
          ? std::make_unique<mail::MailQueue>(std::move(mailer), store->mail(), events::node_name())
          : std::make_unique<mail::MailQueue>(std::move(mailer), cfg.data_dir + "/mail-queue");
  auto& mail_queue = *mail_queue_ptr;
  auto catalog = i18n::Catalog::load_embedded();
  auto account_options = accounts_options(cfg);
  account_options.limits = shared_limits;
  accounts::Accounts accounts(account_options, *store, &mail_queue,
                              mail_texts(store->news(), catalog));
  // Discussions under stories: their rules, with the statements of reasons and notices' mails.
  discussion::Options discussion_options;
  discussion_options.limits = shared_limits;
  discussion_options.post_every_s = cfg.comment_every_s;
  discussion_options.post_burst = cfg.comment_burst;
  discussion_options.close_after_days = cfg.discussion_close_days;
  discussion_options.held_first = cfg.comment_held_first;
  discussion_options.auto_switch = cfg.discussion_auto_switch;
  discussion_options.mail = &mail_queue;
  discussion_options.catalog = &catalog;
  discussion_options.base_url = cfg.base_url;
  discussion_options.contact = cfg.admin_email;
  discussion::Discussions discussions(store->news(), store->comments(), store->accounts(), *bus,
                                      discussion_options);
  // The capabilities: one line each.
  std::unique_ptr<site::Site> site;
  std::unique_ptr<newsroom::Desk> desk;
  std::vector<std::unique_ptr<web::Module>> modules;
  try {
    app = std::make_unique<web::App>(so, store->news(), &accounts);
    site = std::make_unique<site::Site>(*app);
    desk = std::make_unique<newsroom::Desk>(
        *store,
        [&site](content::Article& a) { site->prepare_body(a); });
    modules.push_back(accounts::pages(*app, accounts, &store->chat()));
    modules.push_back(newsroom::pages(
        *app, *desk,
        newsroom::Tools{&store->desk(), &accounts, &store->chat(),
                        [&site](const content::Edition& e, const content::Section& s,
                                content::Article& a, const std::string& path) {
                          return site->preview(e, s, a, path);
                        }}));
    modules.push_back(chat::pages(*app, chat));
    modules.push_back(discussion::pages(*app, discussions));
    modules.push_back(live::endpoint(*app, hub, cfg.live_origins, chat::member_for));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "herald serve: %s\n", e.what());
    return 1;
  }
  if (cfg.print_routes) {
    for (auto& r : app->routes()) std::printf("%s\n", r.c_str());
    for (const char* m : live::kClientMessages) std::printf("WS %s\n", m);
    return 0;
  }
  // No default administrator: the first start with no accounts creates one and prints a
  // one-time login link.
  if (store->accounts().count_users() == 0) {
    auto o = accounts.create_user(cfg.admin_email, "Administrator", content::Role::Admin);
    if (!o.ok) {
      std::fprintf(stderr, "herald serve: cannot create the first administrator %s: %s\n",
                   cfg.admin_email.c_str(), o.message.c_str());
      return 2;
    }
    std::printf(
        "First start: created the administrator %s. Log in once with this link (valid 24 h),\n"
        "then set a password on the account page:\n  %s\n",
        cfg.admin_email.c_str(), accounts.login_link(o.user_id).c_str());
  }

  std::string local = cfg.host.find(':') != std::string::npos ? "[" + cfg.host + "]" : cfg.host;
  std::printf(
      "Herald %s listening on http://%s:%u (public address %s, data in %s). Press Ctrl+C to "
      "stop.\n",
      HERALD_VERSION, local.c_str(), server.port(), cfg.base_url.c_str(), cfg.data_dir.c_str());
  std::printf("Account mail goes to %s.\n", mail_where.c_str());
  std::fflush(stdout);

  // The content-event feed: this node's page cache and directory follow every event (also
  // those of the CLI and other nodes); the live newsfeed publishes each one once.
  events::Relay relay(store->events(), events::RelayOptions{});
  live::Newsfeed newsfeed(store->news(), *bus);
  relay.on_every_node([&app, &site](const events::Event& ev) {
    app->apply(ev);
    site->apply(ev);
  });
  relay.once("newsfeed", [&newsfeed](const events::Event& ev) { newsfeed.on_event(ev); });
  // After a write here: this node's listeners at once; the other nodes' relays are woken
  // through the bus (a small "outbox" event) instead of waiting for their next poll.
  const bool shared_bus = !cfg.bus.empty();
  app->after_writes([&relay, &bus, shared_bus] {
    if (relay.apply_local() > 0 && shared_bus) bus->publish("outbox", "{}");
    relay.wake();
  });
  auto outbox_token = bus->subscribe([&relay](const live::BusEvent& ev) {
    if (ev.channel == "outbox") relay.wake();
  });
  relay.start();
  std::atomic<bool> done{false};
  std::mutex mu;
  std::condition_variable cv;
  // Scheduled stories: those missed while the server was down go out now, the rest at their
  // minute (checked every second), by the one node that holds the "scheduler" lease (10 s; a
  // dead node's lease runs out and another takes over), so each goes out once.
  const std::string node = events::node_name();
  auto publish_due = [&] {
    auto now = util::system_clock().now();
    if (!events::hold_lease(store->events(), "scheduler", node, now, 10)) return 0;
    return desk->publish_due(now);
  };
  // Readiness (/readyz): whether the database answers and the bus is connected, checked here
  // every second so that the answer never waits on either.
  auto check_ready = [&] {
    std::string db = "ok";
    try {
      store->events().last_seq();
    } catch (const std::exception& e) {
      db = e.what();
    }
    app->set_readiness(db, bus->connected() ? "ok" : "not connected to " + cfg.bus);
  };
  check_ready();
  try {
    if (int n = publish_due()) spdlog::info("published {} scheduled stories on start", n);
  } catch (const std::exception& e) {
    spdlog::error("scheduled stories: {}", e.what());
  }
  std::thread watcher([&] {
    std::unique_lock lock(mu);
    while (!done) {
      cv.wait_for(lock, std::chrono::seconds(1));
      if (done) break;
      check_ready();
      try {
        if (publish_due()) relay.wake();
      } catch (const std::exception& e) {
        spdlog::error("scheduled stories: {}", e.what());
      }
      try {
        store->settle();
      } catch (const std::exception& e) {
        spdlog::warn("database housekeeping: {}", e.what());
      }
    }
  });
  server.run();
  // The hub lets go of its connections while the server's I/O contexts still exist.
  hub.shutdown();
  {
    std::lock_guard g(mu);
    done = true;
  }
  cv.notify_all();
  watcher.join();
  bus->unsubscribe(outbox_token);  // (its listener holds the relay)
  relay.stop();
  access.reset();  // flushes
  std::printf("Herald stopped.\n");
  return 0;
}

// herald user ... / herald token ...: account administration from the shell. Takes the
// serve options too (--config, --data, --base-url) so that links point at the real site.
int cmd_accounts(const std::string& cmd, const std::string& sub,
                 std::map<std::string, std::string> flags) {
  std::map<std::string, std::string> own;
  for (const char* k : {"email", "role", "name"})
    if (auto it = flags.find(k); it != flags.end()) {
      own[k] = it->second;
      flags.erase(it);
    }
  auto loaded = app::load_config(flags, environment());
  if (auto* e = std::get_if<app::ConfigError>(&loaded))
    return usage_error(cmd + " " + sub + ": " + e->message);
  auto cfg = std::get<app::ServeConfig>(loaded);
  std::string what = cmd + " " + sub;
  if (own["email"].empty()) return usage_error(what + ": --email is required");
  auto store = open_store(place_of(cfg));
  auto catalog = i18n::Catalog::load_embedded();
  accounts::Accounts acc(accounts_options(cfg), *store, nullptr,
                         mail_texts(store->news(), catalog));
  auto say = [&](const accounts::Outcome& o) {
    std::fprintf(stderr, "herald %s: %s\n", what.c_str(), catalog.text("en", o.message).c_str());
    return 1;
  };
  auto find = [&]() { return store->accounts().user_by_email(content::normalize_email(own["email"])); };
  auto role = [&]() -> std::optional<content::Role> {
    return content::role_from_string(own["role"]);
  };
  if (cmd == "user" && sub == "create") {
    auto r = role();
    if (!r) return usage_error(what + ": --role must be reader, contributor, author, editor, moderator or admin");
    auto o = acc.create_user(own["email"], own["name"], *r);
    if (!o.ok) return say(o);
    std::printf("created %s (%s). One-time login link, valid 24 hours:\n%s\n",
                content::normalize_email(own["email"]).c_str(), content::to_string(*r),
                acc.login_link(o.user_id).c_str());
    return 0;
  }
  auto u = find();
  if (!u) {
    std::fprintf(stderr, "herald %s: there is no account with the address %s\n", what.c_str(),
                 own["email"].c_str());
    return 1;
  }
  if (cmd == "user" && sub == "role") {
    auto r = role();
    if (!r) return usage_error(what + ": --role must be reader, contributor, author, editor, moderator or admin");
    auto o = acc.set_role(u->id, *r);
    if (!o.ok) return say(o);
    std::printf("%s is now %s; their sessions have ended\n", u->email.c_str(), content::to_string(*r));
    return 0;
  }
  if (cmd == "user" && (sub == "disable" || sub == "enable")) {
    auto o = acc.set_disabled(u->id, sub == "disable");
    if (!o.ok) return say(o);
    std::printf("%s %s\n", u->email.c_str(), sub == "disable" ? "disabled" : "enabled");
    return 0;
  }
  if (cmd == "user" && sub == "link") {
    std::printf("%s\n", acc.login_link(u->id).c_str());
    return 0;
  }
  if (cmd == "token" && sub == "create") {
    if (!content::is_staff(u->role))
      return usage_error(what + ": API tokens are for newsroom accounts; " + u->email + " is a reader");
    accounts::Outcome o;
    auto token = acc.create_api_token(u->id, own["name"].empty() ? "cli" : own["name"], o);
    if (token.empty()) return say(o);
    std::printf("%s\n", token.c_str());
    std::fprintf(stderr, "Send it as \"Authorization: Bearer <token>\". It is shown only now.\n");
    return 0;
  }
  return usage_error("unknown command '" + what + "'");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kUsage, stdout);
    return 2;
  }
  std::string cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (cmd == "--version" || cmd == "version") {
    std::printf("herald %s\n", HERALD_VERSION);
    return 0;
  }
  for (int i = 2; i < argc; ++i)
    if (std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h") {
      if (cmd == "serve")
        serve_help();
      else
        std::fputs(kUsage, stdout);
      return 0;
    }
  std::map<std::string, std::string> flags;
  std::string err;
  std::string sub;
  int first_flag = 2;
  if ((cmd == "user" || cmd == "token") && argc >= 3 && argv[2][0] != '-') {
    sub = argv[2];
    first_flag = 3;
  }
  if (!parse_flags(argc, argv, first_flag, flags, err)) return usage_error(err);
  if (cmd == "serve") return cmd_serve(flags);
  if (cmd == "user" || cmd == "token") return cmd_accounts(cmd, sub, flags);

  auto env = environment();
  Place place{value_or(flags, env, "data", "HERALD_DATA", "var"),
              value_or(flags, env, "database", "HERALD_DATABASE", ""),
              value_or(flags, env, "media-dir", "HERALD_MEDIA_DIR", "")};
  if (!place.database.empty()) {
    storage::DatabaseUrl u;
    std::string why;
    if (!storage::parse_database_url(place.database, u, why))
      return usage_error(cmd + ": --database: " + why);
  }
  try {
    if (cmd == "demo") {
      for (auto& [k, v] : flags)
        if (k != "data" && k != "database" && k != "media-dir" && k != "articles" &&
            k != "images")
          return usage_error("demo: unknown option --" + k);
      std::int64_t n = 0;
      int images = 16;
      try {
        if (flags.count("articles")) n = std::stoll(flags["articles"]);
        if (flags.count("images")) images = std::stoi(flags["images"]);
      } catch (...) {
        return usage_error("demo: --articles and --images take whole numbers");
      }
      if (n < 0 || n > 10000000) return usage_error("demo: --articles must be from 1 to 10000000");
      if (images < 1 || images > 1000) return usage_error("demo: --images must be from 1 to 1000");
      auto store = open_store(place);
      return run_demo(store->news(), place, n, images);
    }
    if (cmd == "migrate" && (flags.count("from") || flags.count("to"))) {
      if (!flags.count("from") || !flags.count("to"))
        return usage_error("migrate: --from sqlite:PATH and --to postgresql://... go together");
      std::fprintf(stderr, "Copying %s into %s\n", flags["from"].c_str(), flags["to"].c_str());
      auto checks = storage::copy_site(
          flags["from"], flags["to"], [](const std::string& table, std::int64_t done, std::int64_t total) {
            std::string label = table.substr(0, 17);
            label.resize(17, ' ');
            progress_bar(done, total, label.c_str());
            if (done == total) std::fputc('\n', stderr);
          });
      bool all = true;
      std::printf("%-18s %12s %12s  %s\n", "table", "rows before", "rows now", "checksum");
      for (auto& c : checks) {
        std::printf("%-18s %12lld %12lld  %s\n", c.table.c_str(), static_cast<long long>(c.from_rows),
                    static_cast<long long>(c.to_rows), c.same ? "same" : "DIFFERENT");
        all = all && c.same;
      }
      if (!all) {
        std::fprintf(stderr, "herald migrate: some tables differ (above); was the old site written "
                             "to while copying? Run the same command again.\n");
        return 1;
      }
      std::printf("Every table arrived whole. Start the nodes with --database %s.\n",
                  flags["to"].c_str());
      return 0;
    }
    if (cmd == "migrate") {
      auto store = open_store(place);
      std::printf("%s is up to date\n", store->describe().c_str());
      return 0;
    }
    if (cmd == "publish" || cmd == "unpublish") {
      if (!flags.count("id")) return usage_error(cmd + ": --id N is required");
      std::int64_t id = 0;
      try {
        id = std::stoll(flags["id"]);
      } catch (...) {
        return usage_error(cmd + ": --id takes a story number");
      }
      auto store = open_store(place);
      auto now = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
      auto r = cmd == "publish" ? store->news().publish(id, now)
                                  : store->news().unpublish(id);
      if (!r.ok()) {
        std::fprintf(stderr, "herald %s: %s\n", cmd.c_str(), r.detail.c_str());
        return 1;
      }
      std::printf("story %lld %s\n", static_cast<long long>(id),
                  cmd == "publish" ? "published" : "unpublished");
      return 0;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "herald %s: %s\n", cmd.c_str(), e.what());
    return 1;
  }
  return usage_error("unknown command '" + cmd + "'");
}
