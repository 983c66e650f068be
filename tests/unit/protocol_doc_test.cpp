// man/assistd.8 documents exactly the signalling message table: every type in both directions,
// each with exactly its members.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "signalling/message.h"

namespace assist::signalling {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// "type (direction)" → the member names on its members line.
std::map<std::string, std::set<std::string>> documented_messages() {
  const auto man = read_file(std::string(ASSIST_SOURCE_DIR) + "/man/assistd.8");
  const auto start = man.find(".SS Message table");
  EXPECT_NE(start, std::string::npos) << "man/assistd.8 has no 'Message table' section";
  const auto end = man.find(".SS ", start + 4);
  std::istringstream section(man.substr(start, end - start));
  std::map<std::string, std::set<std::string>> out;
  // Entries are ".B TYPE \fR(to the server)\fP" then one line naming the members "\fBname\fP".
  const std::string open = ".B ", bold = "\\fB", roman = "\\fP";
  std::string line;
  while (std::getline(section, line)) {
    if (line.rfind(open, 0) != 0) continue;
    const auto space = line.find(' ', open.size());
    const auto direction = line.find("(to the ");
    if (space == std::string::npos || direction == std::string::npos) continue;
    const auto key = line.substr(open.size(), space - open.size()) + " " +
                     line.substr(direction, line.find(')', direction) + 1 - direction);
    std::getline(section, line);
    auto& members = out[key];
    for (auto at = line.find(bold); at != std::string::npos; at = line.find(bold, at + 1)) {
      const auto name_start = at + bold.size();
      members.insert(line.substr(name_start, line.find(roman, name_start) - name_start));
    }
  }
  return out;
}

TEST(ProtocolDoc, ManPageListsExactlyTheMessageTable) {
  auto documented = documented_messages();
  for (const auto& spec : message_table()) {
    const auto key = std::string(spec.type) +
                     (spec.direction == Direction::to_server ? " (to the server)" : " (to the browser)");
    auto it = documented.find(key);
    if (it == documented.end()) {
      ADD_FAILURE() << "man/assistd.8 does not document " << key;
      continue;
    }
    std::set<std::string> fields;
    for (const auto& f : spec.fields) fields.insert(std::string(f.name));
    EXPECT_EQ(it->second, fields) << "members of " << key;
    documented.erase(it);
  }
  for (const auto& [key, members] : documented) ADD_FAILURE() << "documented but not in the table: " << key;
}

}  // namespace
}  // namespace assist::signalling
