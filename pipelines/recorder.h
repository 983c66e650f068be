// One participant's recording: what it sends (its microphone's and camera's tees) written to a
// file as it arrives, depayloaded but never decoded: VP8 and Opus into WebM, H.264 and Opus into
// Matroska. The file sink does not buffer, so a crash of the process leaves a file that plays up
// to the last frame it received; a file closed in order also gets its duration and an index
// (players can seek in it). The file starts on a keyframe: one is asked for when the recording
// starts, and video before it is dropped. Another is asked for every few seconds, so each
// cluster of the file starts on one: that is how a player estimates the length of a file a
// crash left without an index. Each branch depayloads in the sender's streaming thread and then
// hands whole frames to a queue, so a slow or full disk never holds up the call. Every method
// runs on the engine's media thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "gst_ptr.h"
#include "room_events.h"

namespace assist::media {

class Engine;

class Recorder : public std::enable_shared_from_this<Recorder> {
 public:
  using Finished = std::function<void(const RecordingResult&)>;

  // The file extension for a participant whose video is `video_encoding` ("VP8", "H264", "").
  static const char* extension(const std::string& video_encoding);

  // Starts writing `path` from `audio_tee` and `video_tee` (either may be null, not both).
  // `finished` is called once, on the media thread, when the file is closed.
  static std::shared_ptr<Recorder> start(Engine& engine, GstElement* pipeline, GstElement* audio_tee,
                                         GstElement* video_tee, const std::string& video_encoding,
                                         const std::string& path, Finished finished);
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // Stops taking media, writes what is queued, closes the file, then reports it complete.
  void stop();
  // Closes the file now (the call is closing) and reports it complete.
  void close();
  // An element of this recording failed: closes the file and reports the error.
  void fail(const std::string& error);
  // Whether `object` is one of this recording's elements.
  bool owns(GstObject* object) const;
  const std::string& path() const { return path_; }

  // The SHA-256 of a file, hex ("" when it cannot be read). Reads it whole: not on the media thread.
  static std::string digest(const std::string& path);

 private:
  struct Branch {
    GstPtr<GstElement> tee;
    GstPtr<GstPad> tee_pad;
    GstPtr<GstPad> entry;  // the branch's queue's sink pad
  };

  struct StreamGate;
  static GstPadProbeReturn on_file_data(GstPad*, GstPadProbeInfo* info, gpointer data);
  static GstPadProbeReturn on_stream_data(GstPad*, GstPadProbeInfo* info, gpointer data);

  Recorder(Engine& engine, GstElement* pipeline, std::string path, Finished finished);
  void add_branch(GstElement* tee, const char* depayloader, const char* parser, bool video, GstElement* mux);
  void detach();
  void finish(RecordingResult result);
  void note_time(GstBuffer* buffer);
  void ask_keyframes();

  Engine& engine_;
  GstElement* pipeline_;  // the call's; outlives its recorders
  std::string path_;
  Finished finished_;
  GstPtr<GstElement> bin_;
  std::vector<Branch> branches_;
  bool stopping_ = false, done_ = false;

  GstPtr<GstPad> video_entry_;  // where keyframe requests go in; set before streaming starts
  std::atomic<bool> picture_started_{false};  // the first keyframe reached the muxer
  // Written by streaming threads, read once they have stopped.
  std::mutex time_mutex_;
  std::int64_t first_ns_ = -1, last_ns_ = -1;
};

}  // namespace assist::media
