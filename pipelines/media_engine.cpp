#include "media_engine.h"

#include <gst/gst.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "gst_ptr.h"
#include "room.h"

namespace assist::media {

struct Engine::Loop {
  GMainContext* context = nullptr;
  GMainLoop* loop = nullptr;
  std::thread thread;
};

struct Engine::Background {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<std::function<void()>> tasks;
  bool stopping = false;
  std::thread thread;

  void run() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mutex);
        wake.wait(lock, [this] { return stopping || !tasks.empty(); });
        if (tasks.empty()) return;
        task = std::move(tasks.front());
        tasks.pop_front();
      }
      task();
    }
  }
};

namespace {

gboolean run_task(gpointer data) {
  (*static_cast<std::function<void()>*>(data))();
  return G_SOURCE_REMOVE;
}

void free_task(gpointer data) { delete static_cast<std::function<void()>*>(data); }

}  // namespace

std::vector<std::string> missing_plugins() {
  static const char* needed[] = {"webrtcbin", "nicesrc", "dtlssrtpenc", "tee", "fakesink", "webmmux", "rtpvp8depay", "rtpopusdepay"};
  std::vector<std::string> missing;
  for (const char* name : needed) {
    GstElementFactory* f = gst_element_factory_find(name);
    if (!f)
      missing.emplace_back(name);
    else
      gst_object_unref(f);
  }
  return missing;
}

Engine::Engine(Post post_to_owner, IceSettings ice)
    : post_(std::move(post_to_owner)), ice_(std::move(ice)), loop_(std::make_unique<Loop>()),
      background_(std::make_unique<Background>()) {
  background_->thread = std::thread([b = background_.get()] { b->run(); });
  gst_init(nullptr, nullptr);
  loop_->context = g_main_context_new();
  loop_->loop = g_main_loop_new(loop_->context, FALSE);
  loop_->thread = std::thread([l = loop_.get()] {
    g_main_context_push_thread_default(l->context);
    g_main_loop_run(l->loop);
    g_main_context_pop_thread_default(l->context);
  });
}

Engine::~Engine() {
  g_main_loop_quit(loop_->loop);
  loop_->thread.join();
  {
    std::lock_guard lock(background_->mutex);
    background_->stopping = true;
  }
  background_->wake.notify_all();
  background_->thread.join();
  g_main_loop_unref(loop_->loop);
  g_main_context_unref(loop_->context);
}

void Engine::invoke(std::function<void()> task) {
  // Never at once, even on the media thread (g_main_context_invoke would): a media object's own
  // callback that asks for work on the media thread may have that work destroy the object.
  GSource* source = g_idle_source_new();
  g_source_set_priority(source, G_PRIORITY_DEFAULT);
  g_source_set_callback(source, run_task, new std::function<void()>(std::move(task)), free_task);
  g_source_attach(source, loop_->context);
  g_source_unref(source);
}

void Engine::after(unsigned ms, std::function<void()> task) {
  GSource* source = g_timeout_source_new(ms);
  g_source_set_callback(source, run_task, new std::function<void()>(std::move(task)), free_task);
  g_source_attach(source, loop_->context);
  g_source_unref(source);
}

void Engine::background(std::function<void()> task) {
  {
    std::lock_guard lock(background_->mutex);
    background_->tasks.push_back(std::move(task));
  }
  background_->wake.notify_one();
}

std::vector<std::string> Engine::warm_up() {
  auto missing = missing_plugins();
  if (!missing.empty()) return missing;
  // One offer loads webrtcbin's dependencies and makes the process's DTLS certificate.
  GstPtr<GstElement> pipeline(gst_pipeline_new("warm-up"));
  GstElement* webrtc = gst_element_factory_make("webrtcbin", nullptr);
  gst_bin_add(GST_BIN(pipeline.get()), webrtc);
  GstWebRTCRTPTransceiver* transceiver = nullptr;
  GstPtr<GstCaps> caps(gst_caps_from_string(
      "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000"));
  g_signal_emit_by_name(webrtc, "add-transceiver", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDONLY,
                        caps.get(), &transceiver);
  if (transceiver) gst_object_unref(transceiver);
  gst_element_set_state(pipeline.get(), GST_STATE_READY);
  GstPtr<GstPromise> promise(gst_promise_new());
  g_signal_emit_by_name(webrtc, "create-offer", nullptr, promise.get());
  gst_promise_wait(promise.get());
  gst_element_set_state(pipeline.get(), GST_STATE_NULL);
  return {};
}

std::shared_ptr<Room> Engine::create_room(const std::string& name, RoomEvents events) {
  return Room::create(*this, name, std::move(events));
}

}  // namespace assist::media
