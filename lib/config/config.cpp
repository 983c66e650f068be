#include "config/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "config/schema.h"
#include "util/byte_size.h"
#include "util/time.h"

namespace assist {
namespace {

class Loader {
 public:
  explicit Loader(std::string name) : name_(std::move(name)) {}

  ConfigLoad run(const std::string& text) {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
      error(e.mark.line + 1, "YAML syntax: " + e.msg);
      return finish();
    }
    for (const auto& key : config_schema()) {
      sections_.insert(std::string(key.path.substr(0, key.path.rfind('.'))));
      apply(key, YAML::Load(std::string(key.default_yaml)), false);
    }
    // Every prefix of a section is a section too ("server" for "server.tls").
    for (auto s : std::set<std::string>(sections_))
      for (auto dot = s.find('.'); dot != std::string::npos; dot = s.find('.', dot + 1))
        sections_.insert(s.substr(0, dot));

    if (root.IsNull()) return finish();
    if (!root.IsMap()) {
      error(line_of(root), "the top level must be a mapping of sections");
      return finish();
    }
    walk(root, "");
    if (config_.tls_cert.empty() != config_.tls_key.empty())
      error(0, "'server.tls.cert' and 'server.tls.key' must be set together (or both left empty "
               "for a self-signed certificate)");
    if (config_.turn_servers.empty() != config_.turn_secret.empty() &&
        !invalid_.count("media.ice.turn_servers") && !invalid_.count("media.ice.turn_secret")) {
      const char* given = config_.turn_servers.empty() ? "media.ice.turn_secret" : "media.ice.turn_servers";
      error(lines_[given], "'media.ice.turn_servers' and 'media.ice.turn_secret' must be set together "
                           "(browsers' TURN credentials are made from the secret)");
    }
    return finish();
  }

 private:
  void walk(const YAML::Node& map, const std::string& prefix) {
    for (const auto& item : map) {
      std::string key;
      try {
        key = item.first.as<std::string>();
      } catch (const YAML::Exception&) {
        error(line_of(item.first), "keys must be plain text");
        continue;
      }
      std::string path = prefix.empty() ? key : prefix + "." + key;
      if (!seen_.insert(path).second) {
        error(line_of(item.first), "duplicate key '" + path + "'");
        continue;
      }
      if (sections_.count(path)) {
        if (item.second.IsMap())
          walk(item.second, path);
        else if (!item.second.IsNull())
          error(line_of(item.second), "'" + path + "' is a section and must be a mapping");
        continue;
      }
      const auto schema = config_schema();
      auto found = std::find_if(schema.begin(), schema.end(),
                                [&](const ConfigKey& k) { return k.path == path; });
      if (found == schema.end()) {
        error(line_of(item.first), "unknown key '" + path + "'");
        continue;
      }
      lines_[path] = line_of(item.first);
      const auto errors_before = errors_.size();
      apply(*found, item.second, true);
      if (errors_.size() > errors_before) invalid_.insert(path);
    }
  }

  void apply(const ConfigKey& key, const YAML::Node& node, bool from_file) {
    const int line = from_file ? line_of(node) : 0;
    const std::string where = "'" + std::string(key.path) + "'";
    auto scalar = [&](std::string& out) {
      if (!node.IsScalar()) {
        error(line, where + " must be a single value");
        return false;
      }
      out = node.Scalar();
      return true;
    };
    auto checked = [&](const std::string& v) {
      if (!key.check) return true;
      auto problem = key.check(v);
      if (problem.empty()) return true;
      error(line, where + ": " + problem);
      return false;
    };

    // A duration or a size: read by `parse`, its range shown in errors by `format`.
    auto quantity = [&](auto parse, auto format, const std::string& examples) {
      std::string v;
      if (!scalar(v)) return;
      const auto n = parse(v);
      if (!n) return error(line, where + " must be " + examples + " (got '" + v + "')");
      if (*n < key.min || *n > key.max)
        return error(line, where + " must be between " + format(key.min) + " and " + format(key.max) + " (got '" +
                               v + "')");
      config_.*key.int_field = *n;
    };

    switch (key.type) {
      case KeyType::text: {
        std::string v;
        if (scalar(v) && checked(v)) config_.*key.text_field = v;
        break;
      }
      case KeyType::choice: {
        std::string v;
        if (!scalar(v)) break;
        if (std::find(key.choices.begin(), key.choices.end(), v) == key.choices.end()) {
          std::string list;
          for (auto c : key.choices) list += (list.empty() ? "" : ", ") + std::string(c);
          error(line, where + " must be one of: " + list + " (got '" + v + "')");
          break;
        }
        config_.*key.text_field = v;
        break;
      }
      case KeyType::duration:
        quantity(parse_duration, format_duration, "a duration such as 30s, 15m or 1h30m");
        break;
      case KeyType::byte_size:
        quantity(parse_byte_size, format_byte_size, "a size such as 512KiB, 25MiB or 1GiB");
        break;
      case KeyType::integer: {
        std::string v;
        if (!scalar(v)) break;
        std::int64_t n = 0;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc{} || end != v.data() + v.size() || n < key.min || n > key.max) {
          error(line, where + " must be a whole number from " + std::to_string(key.min) + " to " +
                          std::to_string(key.max) + " (got '" + v + "')");
          break;
        }
        config_.*key.int_field = n;
        break;
      }
      case KeyType::boolean: {
        std::string v;
        if (!scalar(v)) break;
        if (v != "true" && v != "false") {
          error(line, where + " must be true or false (got '" + v + "')");
          break;
        }
        config_.*key.bool_field = v == "true";
        break;
      }
      case KeyType::text_list: {
        if (!node.IsSequence()) {
          error(line, where + " must be a list, e.g. [\"127.0.0.1:8443\"]");
          break;
        }
        std::vector<std::string> values;
        bool ok = true;
        for (const auto& element : node) {
          const int element_line = from_file ? line_of(element) : 0;
          if (!element.IsScalar()) {
            error(element_line, where + " must hold single values");
            ok = false;
            continue;
          }
          if (key.check) {
            auto problem = key.check(element.Scalar());
            if (!problem.empty()) {
              error(element_line, where + ": '" + element.Scalar() + "' " + problem);
              ok = false;
              continue;
            }
          }
          values.push_back(element.Scalar());
        }
        if (ok && values.empty() && !key.may_be_empty) {
          error(line, where + " must not be empty");
          ok = false;
        }
        if (ok) config_.*key.list_field = values;
        break;
      }
    }
  }

  static int line_of(const YAML::Node& node) { return node.Mark().line + 1; }

  void error(int line, std::string message) {
    errors_.push_back({name_, std::max(line, 0), std::move(message)});
  }

  ConfigLoad finish() {
    ConfigLoad result;
    result.errors = std::move(errors_);
    if (result.errors.empty()) result.config = config_;
    return result;
  }

  std::string name_;
  Config config_;
  std::set<std::string> sections_;
  std::set<std::string> seen_;
  std::map<std::string, int> lines_;  // where each key given in the file is
  std::set<std::string> invalid_;     // keys whose value was refused
  std::vector<ConfigError> errors_;
};

}  // namespace

std::string ConfigError::to_string() const {
  return line > 0 ? file + ":" + std::to_string(line) + ": " + message : file + ": " + message;
}

ConfigLoad load_config_text(const std::string& text, const std::string& name) {
  return Loader(name).run(text);
}

ConfigLoad load_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    ConfigLoad result;
    result.errors.push_back({path, 0, "cannot open: " + std::string(std::strerror(errno))});
    return result;
  }
  std::stringstream text;
  text << in.rdbuf();
  return load_config_text(text.str(), path);
}

}  // namespace assist
