// Queues: named on-demand lines ("Roadside help") that appointments can belong to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/principal.h"
#include "store/sqlite.h"

namespace assist {

struct Queue {
  std::int64_t id = 0;
  std::string name;
  std::string description;
  std::int64_t created_at = 0;
};

Queue create_queue(Db& db, const std::string& name, const std::string& description,
                   const Principal& by);
std::optional<Queue> find_queue(Db& db, const std::string& name);
std::vector<Queue> list_queues(Db& db);

}  // namespace assist
