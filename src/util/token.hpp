// Random tokens (session cookies, one-time links, file names) and the digest of a token that
// is stored instead of it. libsodium underneath. Thread-safe.
#pragma once
#include <string>
#include <string_view>

namespace herald::util {

// 32 random bytes (256 bits), URL-safe base64 without padding.
std::string random_token();
// The form of a token kept in a database: a BLAKE2b hash, hex. A stolen database then holds
// no usable session.
std::string token_digest(std::string_view token);

}  // namespace herald::util
