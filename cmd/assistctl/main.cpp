// assistctl: the operator's command line for assistd.
#include <CLI/CLI.hpp>
#include <curl/curl.h>

#include <cstdlib>
#include <iostream>

#include "context.h"

namespace {

std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace assist::ctl;
  CLI::App app{
      "assistctl drives assistd: appointments, join links, notifications, call recordings, snapshots, "
      "users, API keys, queues and the audit log.\nBy default it talks to the local daemon over its control socket with admin rights;\n"
      "--url and --api-key (or ASSIST_URL and ASSIST_API_KEY) reach a remote one over HTTPS.\n\n"
      "Examples:\n"
      "  assistctl appointment create --customer-name 'Ada Lovelace' --phone +33612345678 \\\n"
      "      --at 2026-12-01T09:30:00Z --duration 30m -o json\n"
      "  assistctl appointment list --state scheduled -o csv\n"
      "  assistctl apikey create --name crm -o json\n\n"
      "Exit status: 0 success, 64 usage, 65 refused data, 69 daemon unavailable,\n"
      "73 cannot create an output file, 74 cannot write it, 75 timed out, 77 permission denied,\n"
      "78 bad configuration.",
      "assistctl"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand: "appointment list -o csv"
  Context ctx;
  ctx.endpoint.socket_path = env_or("ASSIST_SOCKET", "/run/assist/assistd.sock");
  ctx.endpoint.url = env_or("ASSIST_URL", "");
  ctx.endpoint.api_key = env_or("ASSIST_API_KEY", "");
  ctx.endpoint.ca_file = env_or("ASSIST_CA_FILE", "");
  std::string format = "table";
  app.add_option("--socket", ctx.endpoint.socket_path,
                 "Control socket (default /run/assist/assistd.sock, or ASSIST_SOCKET)");
  app.add_option("--url", ctx.endpoint.url, "Reach assistd over HTTPS at this base URL (or ASSIST_URL)");
  app.add_option("--api-key", ctx.endpoint.api_key, "API key for --url (or ASSIST_API_KEY)");
  app.add_option("--ca-file", ctx.endpoint.ca_file,
                 "Trust this CA or self-signed certificate for --url (or ASSIST_CA_FILE)");
  app.add_option("-o,--output", format, "Output format: table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  app.add_flag("-q,--quiet", ctx.quiet, "Print nothing when a change succeeds");
  app.add_option("--timeout", ctx.endpoint.timeout_seconds, "Seconds to wait for the daemon (default 30)")
      ->check(CLI::Range(1, 3600));

  add_status_commands(app, ctx);
  add_appointment_commands(app, ctx);
  add_user_commands(app, ctx);
  add_api_key_commands(app, ctx);
  add_queue_commands(app, ctx);
  add_audit_commands(app, ctx);
  add_notification_commands(app, ctx);
  add_recording_commands(app, ctx);
  add_snapshot_commands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : exit_usage;
  }
  ctx.format = format == "json" ? Format::json : format == "csv" ? Format::csv : Format::table;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int code = 0;
  try {
    code = ctx.action ? ctx.action() : exit_usage;
  } catch (const CtlError& e) {
    std::cerr << "assistctl: " << e.what() << "\n";
    code = e.exit_code();
  }
  curl_global_cleanup();
  return code;
}
