#include "http/forms.hpp"

#include <gtest/gtest.h>

using namespace herald::http;

TEST(Forms, DecodesUrlEncodedBodies) {
  auto f = parse_form("email=a%40b.org&name=Anna+Petrova&x=1&x=2&empty=&bad=%zz");
  EXPECT_EQ(f.get("email"), "a@b.org");
  EXPECT_EQ(f.get("name"), "Anna Petrova");
  EXPECT_EQ(f.get("x"), "1");
  EXPECT_EQ(f.all.size(), 6u);
  EXPECT_TRUE(f.has("empty"));
  EXPECT_EQ(f.get("bad"), "%zz");
  EXPECT_EQ(f.get("missing"), "");
  EXPECT_EQ(form_decode("%D0%9C%D0%B8%D1%80"), "\xD0\x9C\xD0\xB8\xD1\x80");
  EXPECT_EQ(form_decode("trailing%4"), "trailing%4");
}

TEST(Forms, ReadsCookies) {
  std::string h = "a=1; herald_session=tok-en_1; b=\"q\"";
  EXPECT_EQ(cookie_value(h, "herald_session"), "tok-en_1");
  EXPECT_EQ(cookie_value(h, "b"), "q");
  EXPECT_EQ(cookie_value(h, "herald"), "");
  EXPECT_EQ(cookie_value("", "a"), "");
}

TEST(Forms, WritesCookies) {
  CookieOptions o;
  o.same_site = "Strict";
  o.secure = true;
  EXPECT_EQ(set_cookie("__Host-s", "v", o), "__Host-s=v; Path=/; HttpOnly; Secure; SameSite=Strict");
  o = {};
  o.max_age = 0;
  EXPECT_EQ(set_cookie("s", "", o), "s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
}

TEST(Forms, ParsesMultipart) {
  std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nA \"red\" square\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../x.jpg\"\r\n"
      "Content-Type: image/jpeg\r\n\r\n\xff\xd8\r\n\r\nbytes\r\n--XyZ--\r\n";
  auto parts = parse_multipart("multipart/form-data; boundary=XyZ", body);
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "caption");
  EXPECT_EQ((*parts)[0].data, "A \"red\" square");
  EXPECT_EQ((*parts)[1].filename, "../../x.jpg");
  EXPECT_EQ((*parts)[1].content_type, "image/jpeg");
  EXPECT_EQ((*parts)[1].data, std::string_view("\xff\xd8\r\n\r\nbytes"));
  EXPECT_FALSE(parse_multipart("multipart/form-data", body));
  EXPECT_FALSE(parse_multipart("text/plain; boundary=XyZ", body));
  EXPECT_FALSE(parse_multipart("multipart/form-data; boundary=XyZ", "--XyZ\r\nno end"));
}

TEST(Forms, ReturnPathsStayOnTheSite) {
  EXPECT_EQ(safe_return_path("/en/world/12-x?a=1", "/"), "/en/world/12-x?a=1");
  EXPECT_EQ(safe_return_path("//evil.example/", "/"), "/");
  EXPECT_EQ(safe_return_path("/\\evil.example/", "/"), "/");
  EXPECT_EQ(safe_return_path("https://evil.example/", "/"), "/");
  EXPECT_EQ(safe_return_path("/en/\r\nSet-Cookie: x", "/"), "/");
  EXPECT_EQ(safe_return_path("", "/en/"), "/en/");
  EXPECT_EQ(url_encode("/en/a b?x=1&y"), "/en/a%20b%3Fx%3D1%26y");
}
