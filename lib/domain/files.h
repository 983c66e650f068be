// Files shared in a call: checked (size, type from the content, how many), their bytes kept in
// the blob store, and each share recorded with the chat message that shows it. Who may share or
// fetch is the API's to decide; this decides what may be kept.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/admission.h"
#include "domain/chat.h"
#include "store/blob_store.h"
#include "store/sqlite.h"

namespace assist {

struct FilePolicy {
  std::int64_t max_size = 0;
  std::vector<std::string> allowed_types;
  std::int64_t max_per_appointment = 0;
};

struct FileSender {
  CallRole role = CallRole::customer;
  std::string name;   // as the chat shows it
  std::string actor;  // as the audit log names it
};

struct StoredFile {
  SharedFile file;
  std::int64_t appointment_id = 0;
  std::string sha256;
};

// Refuses, with a DomainError and before anything is written: an empty file (invalid,
// empty_file), one over max_size (too_large, file_too_large), a type outside the allowlist
// (unsupported, file_type_refused; the detected type is named), the appointment's
// max_per_appointment-th file (conflict, file_limit_reached). Otherwise stores the bytes, then
// the file and its chat message in one transaction, audited as file.shared.
ChatMessage share_file(Db& db, const BlobStore& blobs, const FilePolicy& policy, std::int64_t appointment_id,
                       const FileSender& sender, std::string_view sent_name, std::string_view bytes,
                       std::int64_t now);

std::optional<StoredFile> find_file(Db& db, std::int64_t file_id);

// Types a browser may show inline (previews); everything else is only ever an attachment.
bool is_previewable(const std::string& media_type);

}  // namespace assist
