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

}  // namespace assist::ctl
