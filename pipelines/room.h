// One call's media: a pipeline holding one webrtcbin per participant (webrtc_peer.h), and the
// forwarders (forwarder.h) that carry each participant's microphone, camera and screen into the
// other participant's connection. A call forwards between two participants, the customer who
// joined last and the specialist who joined last (a supervisor when no specialist is there):
// anyone else gets a connection but no media, and a page that joins again takes over at once,
// even while its old connection is still timing out. While the call records, each connection's
// microphone and camera also go to a file of its own (recorder.h): a new connection starts a new
// file. Every change happens on the engine's media thread; events reach the owner through
// Engine::post. A still can be taken from a participant's camera (frame_grabber.h). A participant
// who joins as "echo" (the network test) is its own partner: it gets back what it sends.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gst_ptr.h"
#include "media_engine.h"
#include "offer_plan.h"
#include "room_events.h"

namespace assist::media {

class WebrtcPeer;
class Forwarder;
class Recorder;
class FrameGrabber;

class Room : public std::enable_shared_from_this<Room> {
 public:
  static std::shared_ptr<Room> create(Engine& engine, std::string name, RoomEvents events);
  ~Room();

  // May be called from the owner's thread; the work runs on the media thread.
  // `role` is "customer", "specialist", "supervisor" or "echo".
  void join(const std::string& participant, const std::string& role);
  void offer(const std::string& participant, const std::string& sdp);
  void add_candidate(const std::string& participant, unsigned mline, const std::string& candidate);
  void leave(const std::string& participant);
  // Starts (files go to `directory`, made if missing) or stops recording every connection.
  void record(bool on, const std::string& directory);
  // Decodes one still from the participant's camera; the answer comes as events.still_taken
  // with `request`.
  void take_still(const std::string& participant, const std::string& request);
  void close();
  // An element of the call failed (the bus said so): if it was a recording's, the call stops
  // recording; if a still's, that still fails.
  void element_failed(GstObject* element, const std::string& error);

 private:
  struct Member {
    unsigned order = 0;  // join order
    std::string role;
    // Its connection carried DTLS once. Before that webrtcbin holds what is sent to it, and a
    // sender's streaming thread would wait there, so nothing is forwarded to it until then.
    bool connected = false;
    std::shared_ptr<WebrtcPeer> peer;
    std::shared_ptr<Recorder> recorder;  // of this connection, while the call records
  };
  // A forwarded stream: `from`'s source tee feeding `to`'s sink pad for `role`.
  struct Branch {
    std::string from, to;
    Role role;
    GstPtr<GstPad> tee_pad;  // requested from the sender's tee
    std::unique_ptr<Forwarder> forwarder;
  };

  Room(Engine& engine, std::string name, RoomEvents events);
  void do_offer(const std::string& participant, const std::string& sdp);
  void do_leave(const std::string& participant);
  void link_all();
  void link(const std::string& from, const std::string& to, Role role);
  void unlink(const std::function<bool(const Branch&)>& which);
  void unlink(const std::string& participant);
  std::string latest(const std::string& role) const;
  void request_keyframes(const std::string& receiver);
  std::string partner(const std::string& participant) const;
  std::string video_codec() const;
  std::shared_ptr<WebrtcPeer> peer(const std::string& participant) const;
  void fail(const std::string& participant, const std::string& code, const std::string& problem);
  void record_all();
  void start_recording(const std::string& participant, Member& member);
  void stop_recording(Member& member);
  void do_take_still(const std::string& participant, const std::string& request);
  void still_taken(const std::string& participant, const std::string& request, const StillResult& result);

  Engine& engine_;
  std::string name_;
  RoomEvents events_;
  GstPtr<GstElement> pipeline_;
  std::map<std::string, Member> members_;
  std::vector<Branch> branches_;
  unsigned joins_ = 0;
  bool closed_ = false;
  bool recording_ = false;
  std::string recording_dir_;
  std::vector<std::shared_ptr<Recorder>> stopping_;  // writing what they had queued
  std::vector<std::shared_ptr<FrameGrabber>> grabbers_;
};

}  // namespace assist::media
