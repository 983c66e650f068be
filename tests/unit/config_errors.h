// The errors of a configuration load, one "FILE:LINE: message" per line, as assistd prints them.
#pragma once

#include <string>

#include "config/config.h"

namespace assist {

inline std::string errors_of(const ConfigLoad& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.to_string() + "\n";
  return out;
}

}  // namespace assist
