// board: what staff and the customer show each other over the customer's video. Staff's live
// pointer (pointer, forwarded to the others, never stored, at most 30 a second); strokes anyone
// in the call draws (annotate: checked, given an id, kept for the call so that whoever joins
// sees them, undone one by one by their author, cleared by staff); and the freeze, where the
// customer's page takes a full-resolution still (snapshot_handler) that both sides then see and
// draw on instead of the live video. Coordinates are fractions (0..1) of the picture, so a mark
// lands on the same spot whatever the size of each screen.
#pragma once

#include "signalling/snapshot_handler.h"

namespace assist::signalling {

class Hub;

inline constexpr std::size_t max_strokes = 200;
inline constexpr std::size_t max_stroke_points = 2000;
inline constexpr std::size_t max_stroke_text = 200;  // characters

void add_board_handler(Hub& hub, StillTaker take_still);

}  // namespace assist::signalling
