#include "sqlite/fault_vfs.h"

#include <atomic>
#include <new>

namespace es::testing {
namespace {

sqlite3_vfs* base_vfs = nullptr;
sqlite3_vfs fault_vfs;

std::atomic<bool> armed{false};
std::atomic<int> steps{0};
std::atomic<int> fail_at{-1};
std::atomic<int> error{SQLITE_IOERR_WRITE};
std::atomic<bool> sticky{false};

// The error for this step, or SQLITE_OK to let it through.
int next_step() {
  if (!armed.load()) return SQLITE_OK;
  const int step = steps.fetch_add(1);
  const int at = fail_at.load();
  if (at < 0) return SQLITE_OK;
  return step == at || (sticky.load() && step > at) ? error.load() : SQLITE_OK;
}

struct FaultFile {
  sqlite3_file base{};
  sqlite3_file* inner = nullptr;
};

constexpr std::size_t kInnerOffset = (sizeof(FaultFile) + 7) & ~std::size_t{7};

sqlite3_file* inner(sqlite3_file* file) { return reinterpret_cast<FaultFile*>(file)->inner; }

template <auto kMethod, bool kCounted, typename... Args>
int forward(sqlite3_file* file, Args... args) {
  if constexpr (kCounted) {
    if (const int rc = next_step(); rc != SQLITE_OK) return rc;
  }
  sqlite3_file* f = inner(file);
  return (f->pMethods->*kMethod)(f, args...);
}

int fault_close(sqlite3_file* file) {
  sqlite3_file* f = inner(file);
  return f->pMethods->xClose(f);
}

void fault_shm_barrier(sqlite3_file* file) {
  sqlite3_file* f = inner(file);
  f->pMethods->xShmBarrier(f);
}

constexpr sqlite3_io_methods kMethods = {
    3,
    &fault_close,
    &forward<&sqlite3_io_methods::xRead, false>,
    &forward<&sqlite3_io_methods::xWrite, true>,
    &forward<&sqlite3_io_methods::xTruncate, true>,
    &forward<&sqlite3_io_methods::xSync, true>,
    &forward<&sqlite3_io_methods::xFileSize, false>,
    &forward<&sqlite3_io_methods::xLock, false>,
    &forward<&sqlite3_io_methods::xUnlock, false>,
    &forward<&sqlite3_io_methods::xCheckReservedLock, false>,
    &forward<&sqlite3_io_methods::xFileControl, false>,
    &forward<&sqlite3_io_methods::xSectorSize, false>,
    &forward<&sqlite3_io_methods::xDeviceCharacteristics, false>,
    &forward<&sqlite3_io_methods::xShmMap, false>,
    &forward<&sqlite3_io_methods::xShmLock, false>,
    &fault_shm_barrier,
    &forward<&sqlite3_io_methods::xShmUnmap, false>,
    &forward<&sqlite3_io_methods::xFetch, false>,
    &forward<&sqlite3_io_methods::xUnfetch, false>,
};

int fault_open(sqlite3_vfs* /*vfs*/, const char* name, sqlite3_file* file, int flags,
               int* out_flags) {
  auto* f = new (file) FaultFile;
  f->inner = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kInnerOffset);
  f->inner->pMethods = nullptr;
  const int rc = base_vfs->xOpen(base_vfs, name, f->inner, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (f->inner->pMethods != nullptr) f->inner->pMethods->xClose(f->inner);
    file->pMethods = nullptr;
    return rc;
  }
  // Version 3 for every file: SQLite asks the shared-memory and mapping methods of database
  // files only, whose base files have them.
  f->base.pMethods = &kMethods;
  return SQLITE_OK;
}

// Before main(): every connection of the test process opens its files through this VFS.
[[maybe_unused]] const bool registered = [] {
  base_vfs = sqlite3_vfs_find(nullptr);
  fault_vfs = *base_vfs;
  fault_vfs.zName = "es-test-faults";
  fault_vfs.szOsFile = static_cast<int>(kInnerOffset) + base_vfs->szOsFile;
  fault_vfs.xOpen = &fault_open;
  fault_vfs.pNext = nullptr;
  return sqlite3_vfs_register(&fault_vfs, /*makeDflt=*/1) == SQLITE_OK;
}();

}  // namespace

void arm_faults(const FaultPlan& plan) {
  armed.store(false);
  steps.store(0);
  fail_at.store(plan.fail_at);
  error.store(plan.error);
  sticky.store(plan.sticky);
  armed.store(true);
}

void disarm_faults() { armed.store(false); }

int fault_steps() { return steps.load(); }

}  // namespace es::testing
