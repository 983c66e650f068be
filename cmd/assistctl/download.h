// How assistctl saves a file the daemon keeps (a recording, a snapshot): written to FILE.part,
// checked against the SHA-256 the daemon gave for it, renamed to FILE; or sent to standard output.
#pragma once

#include <cstdint>
#include <string>

#include "context.h"

namespace assist::ctl {

struct DownloadRequest {
  std::string kind;          // "recording": names it in messages ("recording 7", "the recording's")
  std::int64_t id = 0;
  std::string content_path;  // "/api/v1/recordings/7/content"
  std::string file_name;     // the name when --to is empty or a directory: "recording-7.webm"
  std::string sha256;        // what the bytes must hash to; empty when the daemon has none (yet)
  std::int64_t size = -1;    // bytes the daemon said it has; -1 unknown

  // The command's options.
  std::string to;            // --to: a file, a directory, "-" for standard output, or empty
  bool force = false;        // replace FILE and a FILE.part left behind
  bool resume = false;       // continue from what FILE.part holds (an HTTP range)
  // Whether the command offers --resume: with it, a transfer that breaks keeps its part file
  // for the next run and the messages say so; without it, a broken transfer leaves nothing.
  bool resumable = true;
};

struct Downloaded {
  std::string where;      // the file written, or "standard output"
  std::int64_t bytes = 0;
  bool verified = false;  // the SHA-256 of the bytes was checked against DownloadRequest::sha256
};

// Saves the file, or throws CtlError: 64 (standard output a terminal), 65 (SHA-256 mismatch, or
// the daemon refused), 69/75 (unreachable, timed out), 73 (FILE exists without --force, or cannot
// be created), 74 (writing failed). FILE is never left half-written: only a complete, verified
// download is renamed to it. Progress goes to standard error when it is a terminal and not -q.
Downloaded download_file(const Context& ctx, const DownloadRequest& request);

}  // namespace assist::ctl
