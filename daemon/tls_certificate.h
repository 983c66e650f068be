// The self-signed certificate used when the configuration names none.
#pragma once

#include <string>

namespace assist {

struct TlsFiles {
  std::string cert;
  std::string key;
};

// Returns dir/cert.pem and dir/key.pem, generating them (EC P-256, ten years, for localhost
// and 127.0.0.1 and ::1) when absent. The key is written 0600.
TlsFiles ensure_self_signed_certificate(const std::string& dir);

}  // namespace assist
