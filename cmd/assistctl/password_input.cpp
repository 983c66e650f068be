#include "password_input.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "context.h"

namespace assist::ctl {
namespace {

std::string prompt_hidden(const std::string& prompt) {
  std::cerr << prompt << std::flush;
  termios old{};
  tcgetattr(STDIN_FILENO, &old);
  termios silent = old;
  silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSANOW, &silent);
  std::string line;
  std::getline(std::cin, line);
  tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::cerr << "\n";
  return line;
}

}  // namespace

std::string read_new_password(const std::string& for_whom) {
  if (isatty(STDIN_FILENO)) {
    auto first = prompt_hidden("New password for " + for_whom + ": ");
    auto second = prompt_hidden("Again: ");
    if (first != second) throw CtlError(exit_usage, "the two passwords differ");
    return first;
  }
  std::string line;
  if (!std::getline(std::cin, line)) throw CtlError(exit_usage, "no password on standard input");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace assist::ctl
