// Password hashing with Argon2id through libsodium's crypto_pwhash_str: 64 MiB and 2 passes
// (libsodium's "interactive" limits, ~100 ms here). Hashing is deliberately slow: call it off
// the I/O threads. Thread-safe.
#pragma once
#include <string>
#include <string_view>

#include "util/token.hpp"

namespace herald::accounts {

// The encoded hash ("$argon2id$v=19$m=65536,t=2,p=1$..."), or empty when memory ran out.
std::string hash_password(std::string_view password);
// True when `password` matches `encoded`. Takes about as long as hashing whether or not it
// matches, and returns false for a malformed hash.
bool verify_password(std::string_view password, const std::string& encoded);
// True when `encoded` was made with weaker limits than the current ones (rehash at next login).
bool needs_rehash(const std::string& encoded);

// Session cookies and one-time links are util's random tokens, stored as their digests.
using util::random_token;
using util::token_digest;

}  // namespace herald::accounts
