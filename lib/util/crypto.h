// Secrets: random tokens, digests and password hashes (libsodium; HMAC-SHA1, which libsodium
// lacks, from OpenSSL).
#pragma once

#include <string>
#include <string_view>

namespace assist {

// Must run once before any other function here; safe to call again.
void crypto_init();

// `bytes` random bytes from the CSPRNG, as unpadded base64url.
std::string random_token(std::size_t bytes = 24);

std::string sha256_hex(std::string_view data);
// Of a file's bytes, read in pieces; throws std::runtime_error when it cannot be read.
std::string sha256_file_hex(const std::string& path);
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
// Standard base64 with padding, as coturn and Twilio compare it.
std::string hmac_sha1_base64(std::string_view key, std::string_view data);

// Constant-time comparison of two equal-length strings (false when lengths differ).
bool secure_equals(std::string_view a, std::string_view b);

// argon2id, parameters and salt encoded in the result.
std::string hash_password(std::string_view password);
bool verify_password(std::string_view encoded_hash, std::string_view password);

}  // namespace assist
