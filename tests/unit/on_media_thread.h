// Runs a task on a media engine's thread, as the room does, for tests of what lives there.
#pragma once

#include <exception>
#include <future>

#include "media_engine.h"

namespace assist::media {

// Waits for `task` to have run on `engine`'s media thread, and passes on what it throws.
template <class F>
void on_media_thread(Engine& engine, F task) {
  std::promise<void> done;
  engine.invoke([&] {
    try {
      task();
      done.set_value();
    } catch (...) {
      done.set_exception(std::current_exception());
    }
  });
  done.get_future().get();
}

}  // namespace assist::media
