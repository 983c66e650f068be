// One still from a participant's forwarded video, for a photo the customer's browser could not
// take: a keyframe is asked for, the first one that arrives is decoded (that frame alone, in a
// thread of its own, never in the sender's) and encoded as a JPEG; everything else passes by.
// Gives up after a few seconds without a keyframe. Every method runs on the engine's media thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "gst_ptr.h"
#include "room_events.h"

namespace assist::media {

class Engine;

class FrameGrabber : public std::enable_shared_from_this<FrameGrabber> {
 public:
  using Done = std::function<void(const StillResult&)>;

  // Hangs a branch off `video_tee` (a participant's camera, `encoding` "VP8" or "H264").
  // `done` is called once, on the media thread. Throws std::runtime_error when this encoding
  // cannot be decoded here.
  static std::shared_ptr<FrameGrabber> start(Engine& engine, GstElement* pipeline, GstElement* video_tee,
                                             const std::string& encoding, Done done);
  ~FrameGrabber();
  FrameGrabber(const FrameGrabber&) = delete;
  FrameGrabber& operator=(const FrameGrabber&) = delete;

  // Ends it now with `error` (the call is closing, an element failed), unless it has ended.
  void fail(const std::string& error);
  bool owns(GstObject* object) const;
  bool done() const { return done_; }

 private:
  struct Capture;
  FrameGrabber(Engine& engine, GstElement* pipeline, Done done);
  void finish(const StillResult& result);

  Engine& engine_;
  GstElement* pipeline_;  // the call's; outlives its grabbers
  Done done_callback_;
  GstPtr<GstElement> bin_, tee_;
  GstPtr<GstPad> tee_pad_, entry_;
  bool done_ = false;
};

}  // namespace assist::media
