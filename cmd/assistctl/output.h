// How assistctl prints: aligned tables for people, JSON and CSV for scripts.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace assist::ctl {

enum class Format { table, json, csv };

struct Column {
  std::string field;   // JSON member
  std::string header;  // table/CSV heading
};

void print_list(std::ostream& out, Format format, const nlohmann::json& items,
                const std::vector<Column>& columns);
void print_object(std::ostream& out, Format format, const nlohmann::json& object,
                  const std::vector<Column>& columns);

std::string csv_field(const std::string& value);

// What a terminal would obey rather than show: C0 controls (newline too unless keep_newline),
// DEL and C1 controls (U+0080..U+009F; U+009B is a one-character CSI) become "\xNN", NN the
// code point in hex. A CR before a newline belongs to the line break and is dropped.
std::string printable(const std::string& s, bool keep_newline);

}  // namespace assist::ctl
