// Configuration values: each input line "name=value" is a flag; a line "env:NAME=value" an
// environment variable. Whatever comes in, the answer is a configuration or an error that
// names the option.
#include <cstdint>
#include <map>
#include <string>
#include <variant>

#include "app/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  std::map<std::string, std::string> flags, env;
  std::size_t pos = 0;
  while (pos < in.size()) {
    auto nl = in.find('\n', pos);
    std::string line = in.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? in.size() : nl + 1;
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string k = line.substr(0, eq), v = line.substr(eq + 1);
    if (k == "config") continue;  // no files from the fuzzer
    if (k.rfind("env:", 0) == 0) {
      if (k != "env:HERALD_CONFIG") env[k.substr(4)] = v;
    } else {
      flags[k] = v;
    }
  }
  auto r = herald::app::load_config(flags, env);
  if (auto* e = std::get_if<herald::app::ConfigError>(&r)) {
    if (e->message.empty()) __builtin_trap();
  } else {
    auto& c = std::get<herald::app::ServeConfig>(r);
    if (c.base_url.rfind("http", 0) != 0) __builtin_trap();
  }
  return 0;
}
