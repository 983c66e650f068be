// recording: staff start and stop recording a call (recording.mode on_demand, or the call's
// queue's own mode), or it records from the first connection (always); off refuses. With recording.consent require, the customer
// is asked first (recording_consent) and nothing is written unless they accept; their answer is
// audited. Everyone in the call, and whoever joins while it records, is told whether it records
// and who started it. The media side writes one file per
// connection (pipelines/recorder.h); each is a row of lib/domain/recordings, written as the
// room reports it began and ended. A file that failed (a full disk) stops the call's recording.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "config/config.h"
#include "store/sqlite.h"

namespace assist::signalling {

class Hub;
void add_recording_handler(Hub& hub, Db& db, std::function<std::shared_ptr<const Config>()> config);

}  // namespace assist::signalling
