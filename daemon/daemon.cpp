#include "daemon.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "api/api.h"
#include "config/config.h"
#include "config/schema.h"
#include "domain/participants.h"
#include "domain/recordings.h"
#include "domain/snapshots.h"
#include "domain/users.h"
#include "http_server.h"
#include "media_engine.h"
#include "outbox_worker.h"
#include "signalling/board_handler.h"
#include "signalling/call_control_handler.h"
#include "signalling/camera_handler.h"
#include "signalling/chat_handler.h"
#include "signalling/gst_media_rooms.h"
#include "signalling/echo_service.h"
#include "signalling/hub.h"
#include "signalling/location_handler.h"
#include "signalling/media_handler.h"
#include "signalling/recording_handler.h"
#include "signalling/snapshot_handler.h"
#include "store/migrations.h"
#include "store/wal_checkpointer.h"
#include "sweeper.h"
#include "tls_certificate.h"
#include "util/crypto.h"
#include "util/logging.h"
#include "util/time.h"
#include "web_pages.h"
#include "worker_pool.h"

namespace assist {
namespace {

constexpr int exit_config = 78;   // EX_CONFIG
constexpr int exit_data = 65;     // EX_DATAERR: the database cannot be used
constexpr int exit_os = 71;       // EX_OSERR: sockets or files could not be set up
constexpr std::chrono::milliseconds hub_busy_timeout{200};

ConfigLoad load(const DaemonOptions& options) {
  if (!options.config_path_given && !std::filesystem::exists(options.config_path))
    return load_config_text("", "(built-in defaults)");
  return load_config_file(options.config_path);
}

void print_errors(const ConfigLoad& result) {
  for (const auto& e : result.errors) std::cerr << e.to_string() << "\n";
}

// On first start there is nobody to sign in as: create an admin and show its password once.
void create_first_admin(Db& db) {
  if (count_users(db) > 0) return;
  const auto password = random_token(15);
  Principal system{Role::admin, std::nullopt, "system", false, {}};
  Transaction tx(db);
  create_user(db, "admin", "Administrator", Role::admin, password, system);
  tx.commit();
  // Printed whatever log.level says: this is the only time the password can be seen.
  std::cerr << "ADMIN_CREATED username=admin password=" << password
            << " (shown once: change it with 'assistctl user passwd admin')" << std::endl;
  spdlog::warn("ADMIN_CREATED username=admin (password shown once on standard error)");
}

class Reloader {
 public:
  Reloader(const DaemonOptions& options, ApiServices& services)
      : options_(options), services_(services) {}

  void reload() {
    sd_notify(0, "RELOADING=1");
    auto result = load(options_);
    if (!result.config) {
      for (const auto& e : result.errors)
        spdlog::error("CONFIG_RELOAD_FAILED {} (the running configuration is kept)", e.to_string());
    } else {
      const auto running = services_.config.get();
      const Config& old = *running;
      const Config& fresh = *result.config;
      for (const auto& key : config_schema()) {
        if (key.reload != Reload::restart) continue;
        const bool changed = (key.text_field && old.*key.text_field != fresh.*key.text_field) ||
                             (key.list_field && old.*key.list_field != fresh.*key.list_field) ||
                             (key.int_field && old.*key.int_field != fresh.*key.int_field) ||
                             (key.bool_field && old.*key.bool_field != fresh.*key.bool_field);
        if (changed) spdlog::warn("CONFIG_RESTART_NEEDED key={} (takes effect after a restart)", key.path);
      }
      // Keys that need a restart keep their running values, so the live config stays truthful.
      Config applied = old;
      for (const auto& key : config_schema()) {
        if (key.reload != Reload::live) continue;
        if (key.text_field) applied.*key.text_field = fresh.*key.text_field;
        if (key.list_field) applied.*key.list_field = fresh.*key.list_field;
        if (key.int_field) applied.*key.int_field = fresh.*key.int_field;
        if (key.bool_field) applied.*key.bool_field = fresh.*key.bool_field;
      }
      set_log_level(applied.log_level);
      services_.config.set(std::make_shared<const Config>(applied));
      spdlog::info("CONFIG_RELOADED file={}", options_.config_path);
    }
    sd_notify(0, "READY=1");
  }

 private:
  const DaemonOptions& options_;
  ApiServices& services_;
};

}  // namespace

int check_config(const DaemonOptions& options) {
  auto result = load(options);
  if (!result.config) {
    print_errors(result);
    return exit_config;
  }
  std::cout << (options.config_path_given || std::filesystem::exists(options.config_path)
                    ? options.config_path
                    : std::string("built-in defaults"))
            << ": configuration is valid\n";
  return 0;
}

// Recording files closed as the daemon stops are written down (complete, with their digest)
// before it exits: waits until no row is still being recorded, at most a few seconds.
boost::asio::awaitable<void> stop_after_recordings(boost::asio::io_context& io, Db& db) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  const auto still_recording = [&db] {
    for (const auto& [state, count] : count_recordings_by_state(db))
      if (state == RecordingState::recording) return count;
    return std::int64_t{0};
  };
  for (int waited = 0; waited < 50 && still_recording() > 0; ++waited) {
    timer.expires_after(std::chrono::milliseconds(100));
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
  if (const auto left = still_recording(); left > 0)
    spdlog::warn("RECORDINGS_LEFT_OPEN recordings={} (marked interrupted at the next start)", left);
  io.stop();
}

int run_daemon(const DaemonOptions& options) {
  auto result = load(options);
  if (!result.config) {
    print_errors(result);
    return exit_config;
  }
  auto config = std::make_shared<const Config>(*result.config);
  setup_logging(config->log_level);
  crypto_init();
  spdlog::info("DAEMON_STARTING version={} config={}", ASSIST_VERSION,
               std::filesystem::exists(options.config_path) ? options.config_path : "(built-in defaults)");

  std::error_code fs_ec;
  std::filesystem::create_directories(config->data_dir, fs_ec);
  if (fs_ec) {
    spdlog::error("STORE_DATA_DIR_FAILED dir={} error=\"{}\"", config->data_dir, fs_ec.message());
    return exit_os;
  }

  std::unique_ptr<Db> db;
  try {
    db = std::make_unique<Db>(config->database_path());
    const int applied = migrate(*db);
    spdlog::info("STORE_READY path={} schema={} migrations_applied={}", db->path(),
                 schema_version(*db), applied);
    create_first_admin(*db);
    const auto recovered = recover_interrupted_calls(*db, now_seconds());
    if (recovered.participants > 0 || recovered.appointments > 0)
      spdlog::warn("CALLS_RECOVERED appointments={} participants={} (left open by an unclean stop)",
                   recovered.appointments, recovered.participants);
    if (const int interrupted = interrupt_recordings(*db, config->recordings_dir(), now_seconds()))
      spdlog::warn("RECORDINGS_INTERRUPTED recordings={} (left open by an unclean stop; they play up to it)",
                   interrupted);
  } catch (const std::exception& e) {
    spdlog::error("STORE_OPEN_FAILED path={} error=\"{}\"", config->database_path(), e.what());
    return exit_data;
  }

  boost::asio::io_context io(1);
  media::IceSettings ice{config->ice_addresses, 0, 0, config->stun_server, {}, config->ice_public_address,
                         config->ice_tcp};
  if (!config->ice_port_range.empty()) parse_port_range(config->ice_port_range, ice.min_port, ice.max_port);
  media::Engine media([&io](std::function<void()> task) { boost::asio::post(io, std::move(task)); }, ice);
  if (auto missing = media.warm_up(); !missing.empty()) {
    std::string list;
    for (const auto& name : missing) list += (list.empty() ? "" : ",") + name;
    spdlog::error("MEDIA_PLUGINS_MISSING plugins={} (install the GStreamer packages scripts/bootstrap lists)",
                  list);
    return exit_os;
  }
  spdlog::info("MEDIA_READY");

  TlsFiles tls{config->tls_cert, config->tls_key};
  ApiServices services{SharedConfig(config), {}, now_seconds(), ASSIST_VERSION, {}, {}, {}, {}};
  auto current_config = [&services] { return services.config.get(); };
  Api api(services);
  OutboxWorker outbox(*config);
  outbox.start();
  signalling::GstMediaRooms rooms(media);
  // The hub's connection is on the thread that carries every call: it never waits long for a
  // worker's write; a leave it could not write is written on the next sweep.
  db->set_busy_timeout(hub_busy_timeout);
  WalCheckpointer checkpointer(*db);  // and its checkpoints' fsyncs happen elsewhere
  const auto after = [&io](std::chrono::milliseconds delay, std::function<void()> task) {
    auto timer = std::make_shared<boost::asio::steady_timer>(io, delay);
    timer->async_wait([timer, task = std::move(task)](const boost::system::error_code& ec) {
      if (!ec) task();
    });
  };
  signalling::Hub hub(*db, current_config, rooms);
  signalling::add_media_handler(hub);
  signalling::add_call_control_handler(hub);
  signalling::add_chat_handler(hub, *db, [&io](std::function<void()> task) { boost::asio::post(io, std::move(task)); });
  signalling::add_recording_handler(hub, *db, current_config);
  signalling::add_location_handler(hub, *db, current_config);
  signalling::add_camera_handler(hub, *db);
  const auto snapshots = signalling::add_snapshot_handler(
      hub, *db, current_config, after);
  signalling::add_board_handler(hub, snapshots.take_still);
  // REST changes happen on worker threads; the hub lives on the Asio thread.
  services.appointment_changed = [&io, &hub](std::int64_t id) {
    boost::asio::post(io, [&hub, id] {
      try {
        hub.appointment_changed(id);
      } catch (const std::exception& e) {
        spdlog::error("SIGNAL_APPOINTMENT_UPDATE_FAILED appointment={} error=\"{}\"", id, e.what());
      }
    });
  };
  services.chat_posted = [&io, &hub, &db](std::int64_t message_id) {
    boost::asio::post(io, [&hub, &db, message_id] {
      try {
        signalling::announce_chat_message(hub, *db, message_id);
      } catch (const std::exception& e) {
        spdlog::error("SIGNAL_CHAT_ANNOUNCE_FAILED message={} error=\"{}\"", message_id, e.what());
      }
    });
  };
  services.snapshot_stored = [&io, announce_snapshot = snapshots.stored](std::int64_t snapshot_id, const std::string& request) {
    boost::asio::post(io, [announce_snapshot, snapshot_id, request] {
      try {
        announce_snapshot(snapshot_id, request);
      } catch (const std::exception& e) {
        spdlog::error("SIGNAL_SNAPSHOT_ANNOUNCE_FAILED snapshot={} error=\"{}\"", snapshot_id, e.what());
      }
    });
  };
  WorkerPool workers(config->database_path(), static_cast<int>(config->workers));
  auto handle = [&](const HttpRequest& r, Db& worker_db) {
    if (!r.control_socket)
      if (auto page = serve_web_page(r, *services.config.get(), worker_db)) return std::move(*page);
    return api.handle(r, worker_db);
  };
  signalling::EchoService echo(rooms, current_config, after);
  HttpServer server(io, workers, handle, config->read_timeout);
  server.serve_websocket("/ws/v1", hub);
  server.serve_websocket("/ws/v1/echo", echo);
  server.set_body_limit([&api, &services](std::string_view method, std::string_view target) -> std::size_t {
    const auto match = api.router().match(method, target.substr(0, target.find('?')));
    if (match.route && match.route->pattern == file_upload_route)
      return static_cast<std::size_t>(services.config.get()->files_max_size);
    if (match.route && match.route->pattern == snapshot_upload_route) return max_snapshot_bytes;
    return max_request_body;
  });
  boost::asio::co_spawn(io, sweep_forever(workers, hub, current_config), boost::asio::detached);
  boost::asio::co_spawn(io, forget_lost_forever(hub), boost::asio::detached);
  try {
    if (tls.cert.empty()) tls = ensure_self_signed_certificate(config->data_dir + "/tls");
    for (const auto& address : config->listen) {
      server.listen_tls(address, tls.cert, tls.key);
      spdlog::info("HTTP_LISTENING address={} url=https://{}", address, address);
    }
    if (!config->control_socket.empty()) {
      server.listen_unix(config->control_socket);
      spdlog::info("CONTROL_SOCKET_LISTENING path={}", config->control_socket);
    }
  } catch (const std::exception& e) {
    spdlog::error("HTTP_LISTEN_FAILED error=\"{}\"", e.what());
    return exit_os;
  }

  Reloader reloader(options, services);
  boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        if (signo == SIGHUP) {
          reloader.reload();
          signals.async_wait(on_signal);
          return;
        }
        spdlog::info("DAEMON_STOPPING signal={}", signo);
        sd_notify(0, "STOPPING=1");
        server.close();
        hub.stop_media();
        echo.stop();
        boost::asio::co_spawn(io, stop_after_recordings(io, *db), boost::asio::detached);
        signals.async_wait([&io](const boost::system::error_code& again, int) {
          if (!again) io.stop();  // asked twice: now
        });
      };
  signals.async_wait(on_signal);

  sd_notify(0, "READY=1");
  spdlog::info("DAEMON_READY public_url={}", config->public_url);
  io.run();
  outbox.stop();
  spdlog::info("DAEMON_STOPPED");
  return 0;
}

}  // namespace assist
