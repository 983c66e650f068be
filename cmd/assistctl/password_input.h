// Reads a new password: from a prompt (no echo, typed twice) on a terminal, else one line of
// standard input. Never from argv, where other users could read it.
#pragma once

#include <string>

namespace assist::ctl {

std::string read_new_password(const std::string& for_whom);

}  // namespace assist::ctl
