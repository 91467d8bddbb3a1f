// Header values checked in one place before any response goes out.
#include "net/message.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

using herald::net::header_is_safe;

TEST(HeaderIsSafe, NamesAreTokensAndEveryOtherByteIsRefused) {
  const std::string tchar = "!#$%&'*+-.^_`|~";
  for (int b = 0; b < 256; ++b) {
    char c = static_cast<char>(b);
    bool token = (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
                 (b != 0 && tchar.find(c) != std::string::npos);
    std::string name = std::string("X-") + c + "a";
    EXPECT_EQ(header_is_safe(name, "v"), token) << "byte " << b;
  }
  EXPECT_FALSE(header_is_safe("", "v"));
  EXPECT_TRUE(header_is_safe("Cache-Control", "public, max-age=60"));
}

TEST(HeaderIsSafe, ValuesMayNotBreakTheLine) {
  for (const char* bad : {"a\rb", "a\nSet-Cookie: x=1", "\r\n"}) EXPECT_FALSE(header_is_safe("X-A", bad)) << bad;
  EXPECT_FALSE(header_is_safe("X-A", std::string("a\0b", 3)));
  EXPECT_TRUE(header_is_safe("X-A", "tabs\tand UTF-8 \xd0\x96 are kept"));
  // Location: no control bytes, and nothing a browser reads as another host.
  EXPECT_TRUE(header_is_safe("Location", "/en/world/"));
  EXPECT_FALSE(header_is_safe("location", "/\t/evil.example"));
  EXPECT_FALSE(header_is_safe("Location", "//evil.example"));
  EXPECT_FALSE(header_is_safe("Location", "/\\evil.example"));
}
