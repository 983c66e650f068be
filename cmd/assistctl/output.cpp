#include "output.h"

#include <algorithm>
#include <cstdio>
#include <iterator>

namespace assist::ctl {
namespace {

std::string cell(const nlohmann::json& object, const std::string& field) {
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

std::size_t display_width(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](unsigned char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

std::string printable(const std::string& s, bool keep_newline) {
  std::string out;
  out.reserve(s.size());
  auto escape = [&out](unsigned code) {
    char buf[5];
    std::snprintf(buf, sizeof buf, "\\x%02x", code);
    out += buf;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n' && keep_newline) {
      out += '\n';
    } else if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      continue;
    } else if (c < 0x20 || c == 0x7F) {
      escape(c);
    } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9F) {
      escape(static_cast<unsigned char>(s[++i]));
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string csv_field(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string member(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::int64_t number(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : -1;
}

void flatten(nlohmann::json& row, const char* object, std::initializer_list<const char*> members, bool table) {
  const auto nested = row.value(object, nlohmann::json::object());
  for (const char* name : members) {
    auto value = nested.is_object() ? nested.value(name, nlohmann::json()) : nlohmann::json();
    if (table && value.is_string()) value = printable(value.get<std::string>(), false);
    row[std::string(object) + "." + name] = std::move(value);
  }
}

std::string human_size(std::int64_t bytes) {
  if (bytes < 0) return "";
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static const char* const units[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (v >= 1024 && unit + 1 < std::size(units)) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[unit]);
  return buf;
}

void print_list(std::ostream& out, Format format, const nlohmann::json& items,
                const std::vector<Column>& columns) {
  if (format == Format::json) {
    out << items.dump(2) << "\n";
    return;
  }
  if (format == Format::csv) {
    for (std::size_t i = 0; i < columns.size(); ++i) out << (i ? "," : "") << columns[i].field;
    out << "\r\n";
    for (const auto& item : items) {
      for (std::size_t i = 0; i < columns.size(); ++i)
        out << (i ? "," : "") << csv_field(cell(item, columns[i].field));
      out << "\r\n";
    }
    return;
  }
  std::vector<std::size_t> widths;
  for (const auto& c : columns) widths.push_back(display_width(c.header));
  for (const auto& item : items)
    for (std::size_t i = 0; i < columns.size(); ++i)
      widths[i] = std::max(widths[i], display_width(cell(item, columns[i].field)));
  auto row = [&](auto value_of) {
    std::string line;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      auto v = value_of(i);
      line += v;
      if (i + 1 < columns.size()) line += std::string(widths[i] - display_width(v) + 2, ' ');
    }
    out << line << "\n";
  };
  row([&](std::size_t i) { return columns[i].header; });
  for (const auto& item : items) row([&](std::size_t i) { return cell(item, columns[i].field); });
}

void print_object(std::ostream& out, Format format, const nlohmann::json& object,
                  const std::vector<Column>& columns) {
  if (format != Format::table) {
    print_list(out, format, format == Format::json ? object : nlohmann::json::array({object}), columns);
    return;
  }
  std::size_t width = 0;
  for (const auto& c : columns) width = std::max(width, c.header.size());
  for (const auto& c : columns)
    if (object.contains(c.field))
      out << c.header << ":" << std::string(width - c.header.size() + 1, ' ') << cell(object, c.field) << "\n";
}

void print_rows(std::ostream& out, Format format, const nlohmann::json& items,
                nlohmann::json (*flat)(const nlohmann::json& item, bool table),
                const std::vector<Column>& table_columns, const std::vector<Column>& csv_columns) {
  if (format == Format::json) {
    out << items.dump(2) << "\n";
    return;
  }
  const bool table = format == Format::table;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& item : items) rows.push_back(flat(item, table));
  print_list(out, format, rows, table ? table_columns : csv_columns);
}

}  // namespace assist::ctl
