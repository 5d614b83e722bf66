// A VFS over SQLite's default one that fails chosen I/O, for fault tests: once armed, the n-th
// write, sync or truncate (counted over every file of every connection) returns an error, and
// with `sticky` so does every later one, as on a full disk. Disarmed it only passes calls on.
//
// It becomes the default VFS before main() runs, so the VFS a store opens its files through (the
// WAL write buffer, which wraps whatever was the default) sits on top of it, as on a real disk.
//
// Thread safety: arm/disarm/steps may be called from any thread; the counting is atomic.
#pragma once

#include <sqlite3.h>

namespace es::testing {

struct FaultPlan {
  int fail_at = -1;  // the step (0-based) that fails; -1: count only
  int error = SQLITE_IOERR_WRITE;
  bool sticky = false;  // every step from fail_at on fails
};

void arm_faults(const FaultPlan& plan);
void disarm_faults();
// Steps counted since the last arm_faults().
int fault_steps();

}  // namespace es::testing
