// The floor of a live fan-out on this machine: what the kernel alone takes to deliver one small
// frame to every one of N loopback TCP connections, laid out as the cluster benchmark lays out
// Herald (bench/cluster_live.py): S sender processes (the nodes), each with N/S accepted
// connections, and S reader processes (the load tools), all on the same cores. A sender does
// nothing but write the same ready frame to each of its connections in turn; a reader does
// nothing but epoll and read. No WebSocket library, no hub, no bus, no database: Herald's
// fan-out can only be slower than this, and the difference is what Herald's own code costs.
//
//   herald_fanout_floor [--connections 50000] [--senders 3] [--events 10] [--frame 300]
//
// Prints one line of JSON: delivery p50/p99/max in ms over all events and connections, the
// senders' CPU per delivery in µs, and the readers'. Loopback only.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace {

long long now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "fanout_floor: %s: %s\n", what, std::strerror(errno));
  std::exit(1);
}

// Shared by every process (mapped before the forks).
struct Shared {
  std::atomic<long long> sent_at[64];    // per event: when the senders were told to go
  std::atomic<int> go[64];               // per event: set once the senders may write
  std::atomic<long long> received[64];   // per event: deliveries so far
  std::atomic<int> ports[16];            // each sender's listening port, once it listens
  std::atomic<int> accepted[16];         // each sender's connections, once all are accepted
  std::atomic<int> connected[16];        // each reader's connections, once all are open
  std::atomic<long long> cpu_ns[32];     // per process, at the end: user + system time
  std::atomic<int> done;
};

long long own_cpu_ns() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000000000LL +
         (u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1000LL;
}

void raise_fd_limit() {
  rlimit r{};
  getrlimit(RLIMIT_NOFILE, &r);
  r.rlim_cur = r.rlim_max;
  setrlimit(RLIMIT_NOFILE, &r);
}

void wait_until(const std::atomic<int>& flag, int value) {
  while (flag.load() < value) usleep(200);
}

// One node's stand-in: accepts its readers, then writes each event's frame to all of them.
void sender(Shared* sh, int index, int n, int events, int frame_size) {
  raise_fd_limit();
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  if (ls < 0) die("socket");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(ls, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0) die("bind");
  if (listen(ls, 4096) < 0) die("listen");
  socklen_t len = sizeof a;
  getsockname(ls, reinterpret_cast<sockaddr*>(&a), &len);
  sh->ports[index] = ntohs(a.sin_port);
  std::vector<int> fds;
  fds.reserve(n);
  while (static_cast<int>(fds.size()) < n) {
    int fd = accept(ls, nullptr, nullptr);
    if (fd < 0) die("accept");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    fds.push_back(fd);
  }
  sh->accepted[index] = n;
  // A WebSocket text frame of frame_size bytes: 0x81, 126, a 16-bit length, then the text.
  std::string frame(frame_size, 'x');
  frame[0] = static_cast<char>(0x81);
  frame[1] = 126;
  frame[2] = static_cast<char>((frame_size - 4) >> 8);
  frame[3] = static_cast<char>((frame_size - 4) & 0xff);
  long long cpu0 = 0;
  for (int e = 0; e < events; ++e) {
    wait_until(sh->go[e], 1);
    if (e == 0) cpu0 = own_cpu_ns();
    for (int fd : fds) {
      ssize_t w = send(fd, frame.data(), frame.size(), MSG_NOSIGNAL);
      if (w != static_cast<ssize_t>(frame.size())) die("send (a reader fell behind)");
    }
  }
  sh->cpu_ns[index] = own_cpu_ns() - cpu0;
  wait_until(sh->done, 1);
}

// One load tool's stand-in: connects its share, then reads every frame and times it.
void reader(Shared* sh, int index, int n, int events, int frame_size, int* lat_us) {
  raise_fd_limit();
  wait_until(sh->ports[index], 1);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(sh->ports[index].load()));
  int ep = epoll_create1(0);
  std::vector<int> fds(n);
  for (int i = 0; i < n; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket (raise the open-file limit)");
    sockaddr_in src{};
    src.sin_family = AF_INET;
    src.sin_addr.s_addr = htonl(0x7f000001 + (i % 8));  // 127.0.0.1-8, as the load tool does
    bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof src);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0) die("connect");
    fcntl(fd, F_SETFL, O_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(i);
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    fds[i] = fd;
  }
  sh->connected[index] = n;
  std::vector<epoll_event> ready(512);
  char buf[4096];
  // Each connection's frames arrive in order, one per event: the k-th whole frame on a
  // connection is event k, however the bytes were split between reads.
  std::vector<int> frames(n, 0), partial(n, 0);
  long long got = 0, want = static_cast<long long>(n) * events;
  long long cpu0 = -1, last_progress = now_ns();
  while (got < want) {
    int k = epoll_wait(ep, ready.data(), static_cast<int>(ready.size()), 1000);
    if (cpu0 < 0 && k > 0) cpu0 = own_cpu_ns();
    if (k <= 0 && now_ns() - last_progress > 60'000'000'000LL) {
      errno = ETIMEDOUT;
      die("no frame for 60 s");
    }
    for (int j = 0; j < k; ++j) {
      int i = static_cast<int>(ready[j].data.u32);
      for (;;) {
        ssize_t r = recv(fds[i], buf, sizeof buf, 0);
        if (r <= 0) break;
        long long t = now_ns();
        last_progress = t;
        partial[i] += static_cast<int>(r);
        while (partial[i] >= frame_size && frames[i] < events) {
          int e = frames[i]++;
          partial[i] -= frame_size;
          lat_us[static_cast<long long>(e) * n + i] =
              static_cast<int>((t - sh->sent_at[e].load()) / 1000);
          sh->received[e]++;
          ++got;
        }
      }
    }
  }
  sh->cpu_ns[16 + index] = own_cpu_ns() - cpu0;
  wait_until(sh->done, 1);
}

long long flag_value(int argc, char** argv, const char* name, long long fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == std::string("--") + name) return std::atoll(argv[i + 1]);
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = static_cast<int>(flag_value(argc, argv, "connections", 50000));
  const int senders = static_cast<int>(std::clamp<long long>(flag_value(argc, argv, "senders", 3), 1, 16));
  const int events = static_cast<int>(std::clamp<long long>(flag_value(argc, argv, "events", 10), 1, 64));
  const int frame = static_cast<int>(std::clamp<long long>(flag_value(argc, argv, "frame", 300), 8, 4000));
  const int per = (n + senders - 1) / senders;
  auto* sh = static_cast<Shared*>(
      mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  const std::size_t cells = static_cast<std::size_t>(per) * events;
  std::vector<int*> lat(senders);
  for (auto& l : lat)
    l = static_cast<int*>(mmap(nullptr, cells * sizeof(int), PROT_READ | PROT_WRITE,
                               MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  if (sh == MAP_FAILED) die("mmap");
  new (sh) Shared{};
  std::vector<pid_t> kids;
  for (int s = 0; s < senders; ++s) {
    pid_t p = fork();
    if (p == 0) {
      sender(sh, s, per, events, frame);
      _exit(0);
    }
    kids.push_back(p);
  }
  for (int s = 0; s < senders; ++s) {
    pid_t p = fork();
    if (p == 0) {
      reader(sh, s, per, events, frame, lat[s]);
      _exit(0);
    }
    kids.push_back(p);
  }
  for (int s = 0; s < senders; ++s) {
    wait_until(sh->accepted[s], per);
    wait_until(sh->connected[s], per);
  }
  std::fprintf(stderr, "fanout_floor: %d connections open over %d senders\n", per * senders, senders);
  const long long want = static_cast<long long>(per) * senders;
  for (int e = 0; e < events; ++e) {
    usleep(200000);  // let the machine settle between events, as the cluster bench does
    sh->sent_at[e] = now_ns();
    sh->go[e] = 1;
    while (sh->received[e].load() < want) usleep(500);  // one event at a time
  }
  sh->done = 1;
  for (pid_t p : kids) waitpid(p, nullptr, 0);
  std::vector<int> all;
  all.reserve(cells * senders);
  for (auto* l : lat) all.insert(all.end(), l, l + cells);
  std::sort(all.begin(), all.end());
  auto pct = [&](double q) { return all[std::min(all.size() - 1, static_cast<std::size_t>(q * (all.size() - 1)))] / 1000.0; };
  long long scpu = 0, rcpu = 0;
  for (int s = 0; s < senders; ++s) {
    scpu += sh->cpu_ns[s];
    rcpu += sh->cpu_ns[16 + s];
  }
  const double deliveries = static_cast<double>(all.size());
  std::printf("{\"connections\": %lld, \"senders\": %d, \"events\": %d, \"frame_bytes\": %d, "
              "\"p50_ms\": %.1f, \"p99_ms\": %.1f, \"max_ms\": %.1f, "
              "\"sender_cpu_us_per_delivery\": %.2f, \"reader_cpu_us_per_delivery\": %.2f}\n",
              want, senders, events, frame, pct(0.5), pct(0.99), all.back() / 1000.0,
              scpu / 1000.0 / deliveries, rcpu / 1000.0 / deliveries);
  return 0;
}
