// One call's media: a pipeline holding a receiving webrtcbin per participant ("publish") and a
// sending webrtcbin per (receiver, sender) pair ("sub:<sender>"). RTP is forwarded without
// decoding: depayloader → tee → leaky queue → payloader → subscriber. Every change to the
// pipeline happens on the engine's media thread; events reach the owner through Engine::post.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "media_engine.h"
#include "room_events.h"

typedef struct _GstElement GstElement;
typedef struct _GstPad GstPad;

namespace assist::media {

class Room : public std::enable_shared_from_this<Room> {
 public:
  Room(Engine& engine, std::string name, RoomEvents events);
  ~Room();

  // All of these may be called from the owner's thread; the work runs on the media thread.
  void join(const std::string& participant);  // receives whatever others publish
  void publish(const std::string& participant, const std::string& offer_sdp);
  void accept_answer(const std::string& participant, const std::string& stream, const std::string& sdp);
  void add_candidate(const std::string& participant, const std::string& stream, unsigned mline,
                     const std::string& candidate);
  void leave(const std::string& participant);
  void close();


 private:
  struct Track {
    std::string kind;  // "audio" | "video"
    GstElement* depay = nullptr;
    GstElement* tee = nullptr;
  };
  struct Publisher {
    GstElement* webrtc = nullptr;
    std::map<std::string, Track> tracks;  // by kind, made from the offer's m-lines
  };
  struct Branch {
    std::string kind;        // the publisher's track it forwards
    GstPad* tee_pad = nullptr;
    std::vector<GstElement*> elements;  // queue, payloader, capsfilter
  };
  struct Subscription {
    GstElement* webrtc = nullptr;
    std::vector<Branch> branches;
  };
  struct Member {
    std::unique_ptr<Publisher> publisher;
    std::map<std::string, Subscription> subscriptions;  // by publisher id
  };

  // Media-thread side.
  void do_publish(const std::string& participant, const std::string& offer_sdp);
  void do_leave(const std::string& participant);
  void subscribe(const std::string& receiver, const std::string& publisher);
  void on_publisher_pad(const std::string& participant, GstPad* pad);
  void on_connection_state(const std::string& participant, const std::string& stream,
                           const std::string& state);
  void request_keyframe(const std::string& receiver, const std::string& publisher);
  GstElement* find_webrtc(const std::string& participant, const std::string& stream);
  GstElement* make_webrtc(const std::string& participant, const std::string& stream);
  void teardown(Subscription& s);
  void teardown(Publisher& p);

  void emit_failure(const std::string& participant, const std::string& problem);

  Engine& engine_;
  std::string name_;
  RoomEvents events_;
  GstElement* pipeline_ = nullptr;
  std::map<std::string, Member> members_;
  bool closed_ = false;

  friend struct SignalLink;
};

}  // namespace assist::media
