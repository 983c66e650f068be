// A call's recordings made into one file for a reviewer: the customer's picture on the left,
// staff's on the right (each scaled into a tile of its own, kept in proportion), everyone's sound
// mixed, in WebM (VP8 and Opus). Each input file is placed on the call's timeline by when it
// began, so a participant who reconnected fills their side again from then on, and a side with
// nobody on it is black. It decodes and encodes in the caller's thread and a few streaming
// threads, with the encoder on one thread: run it at low priority, it is the slow part.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace assist::media {

struct ComposeInput {
  std::string path;           // a recording file (WebM or Matroska)
  int column = 0;             // 0: left, 1: right
  std::int64_t start_ms = 0;  // from the start of the composed file
};

struct ComposeLayout {
  int tile_width = 640, tile_height = 480, fps = 30;
  int video_kbps = 1500;
};

// Writes `output` (replacing it). `progress` is called now and then with the media time done and
// the whole length, in milliseconds, when known. Throws std::runtime_error with what went wrong.
void compose(const std::vector<ComposeInput>& inputs, const std::string& output, const ComposeLayout& layout,
             const std::function<void(std::int64_t done_ms, std::int64_t total_ms)>& progress);

}  // namespace assist::media
