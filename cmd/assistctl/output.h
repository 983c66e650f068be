// How assistctl prints: aligned tables for people, JSON and CSV for scripts.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
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
// A list of the daemon's items: as JSON, the items as they came; as a table or CSV, each made a
// row by `flat` (for the table, readable and safe for the terminal; for CSV, raw) under the
// columns for that format.
void print_rows(std::ostream& out, Format format, const nlohmann::json& items,
                nlohmann::json (*flat)(const nlohmann::json& item, bool table),
                const std::vector<Column>& table_columns, const std::vector<Column>& csv_columns);

std::string csv_field(const std::string& value);

// What a terminal would obey rather than show: C0 controls (newline too unless keep_newline),
// DEL and C1 controls (U+0080..U+009F; U+009B is a one-character CSI) become "\xNN", NN the
// code point in hex. A CR before a newline belongs to the line break and is dropped.
std::string printable(const std::string& s, bool keep_newline);

// An object's member: its string ("" when absent or not a string), its integer (-1 when absent
// or not an integer).
std::string member(const nlohmann::json& object, const char* name);
std::int64_t number(const nlohmann::json& object, const char* name);

// The members of a nested object (null or absent: all null) as fields of `row` named
// "object.member", for table and CSV columns; for the table, strings made printable.
void flatten(nlohmann::json& row, const char* object, std::initializer_list<const char*> members, bool table);

// 512 B, 11.8 KiB, 3.4 MiB, 1.2 GiB; "" for a negative size (unknown).
std::string human_size(std::int64_t bytes);

}  // namespace assist::ctl
