// For unit tests: a fresh folder under the system's temp directory, named after the running
// test and process, removed when the object goes away.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace herald::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix) {
    std::string name = prefix;
    name.append(std::to_string(::getpid())).append("-");
    name.append(::testing::UnitTest::GetInstance()->current_test_info()->name());
    for (auto& c : name)
      if (c == '/') c = '-';  // parameterised tests: "Name/sqlite"
    path_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace herald::testing
