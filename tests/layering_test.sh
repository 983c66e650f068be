#!/usr/bin/env bash
# The layering the code relies on: configuration and the domain sit below notifications, and
# the daemon speaks to the database only through lib/ (no SQL text in daemon/).
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
if grep -rnE '#include "notify/' lib/config lib/domain lib/util lib/store lib/audit; then
  echo "layering: the files above include lib/notify/, a higher layer" >&2
  status=1
fi
if grep -rniE '\b(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|BEGIN IMMEDIATE)\b' daemon --include='*.cpp' --include='*.h'; then
  echo "layering: SQL text in daemon/ (it belongs in lib/domain or lib/store)" >&2
  status=1
fi
[ "$status" = 0 ] && echo "layering: ok"
exit "$status"
