#include "store/sqlite/wal_write_buffer.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

namespace es::sqlite {
namespace {

// Past this many buffered bytes the buffer is written out before it grows further (a commit of
// several thousand pages; typical commits are a few hundred KiB).
constexpr std::size_t kMaxBuffered = std::size_t{8} << 20;

sqlite3_vfs* base_vfs = nullptr;  // the default VFS, which does the work
sqlite3_vfs buffer_vfs;           // a copy of it with our xOpen and file size

// What SQLite allocates for a `-wal` file opened through buffer_vfs: this struct, then the base
// VFS's file. `base` comes first: SQLite sees a sqlite3_file whose methods are kMethods.
struct WalFile {
  sqlite3_file base{};
  sqlite3_file* inner = nullptr;  // the base VFS's file, right after this struct
  std::vector<char> pending;      // bytes not yet written, from file offset `start`
  sqlite3_int64 start = 0;
};

constexpr std::size_t kInnerOffset = (sizeof(WalFile) + 7) & ~std::size_t{7};

WalFile& wal(sqlite3_file* file) { return *reinterpret_cast<WalFile*>(file); }
const sqlite3_io_methods& inner_methods(const WalFile& f) { return *f.inner->pMethods; }

// The unix VFS writes at most 128 KiB - 1 bytes per call (it masks the length to 17 bits).
constexpr std::size_t kMaxWrite = std::size_t{64} << 10;

int flush(WalFile& f) {
  int rc = SQLITE_OK;
  for (std::size_t done = 0; done < f.pending.size() && rc == SQLITE_OK; done += kMaxWrite) {
    const std::size_t n = std::min(kMaxWrite, f.pending.size() - done);
    rc = inner_methods(f).xWrite(f.inner, f.pending.data() + done, static_cast<int>(n),
                                 f.start + static_cast<sqlite3_int64>(done));
  }
  f.pending.clear();
  return rc;
}

int wal_close(sqlite3_file* file) {
  WalFile& f = wal(file);
  const int flushed = flush(f);
  const int closed = inner_methods(f).xClose(f.inner);
  f.~WalFile();
  return flushed != SQLITE_OK ? flushed : closed;
}

int wal_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  WalFile& f = wal(file);
  const auto bytes = static_cast<std::size_t>(amount);
  const sqlite3_int64 end = f.start + static_cast<sqlite3_int64>(f.pending.size());
  // SQLite rewrites the checksums of frames of the open transaction in place.
  if (!f.pending.empty() && offset >= f.start && offset + amount <= end) {
    std::memcpy(f.pending.data() + (offset - f.start), data, bytes);
    return SQLITE_OK;
  }
  if (offset != end || f.pending.size() + bytes > kMaxBuffered) {
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
    f.start = offset;
  }
  const auto* first = static_cast<const char*>(data);
  f.pending.insert(f.pending.end(), first, first + bytes);
  return SQLITE_OK;
}

// A method of the base file, called with the same arguments; with `kFlushFirst`, once the buffer
// is out: whatever SQLite asks of the file then sees every write it made.
template <auto kMethod, bool kFlushFirst, typename... Args>
int forward(sqlite3_file* file, Args... args) {
  WalFile& f = wal(file);
  if constexpr (kFlushFirst) {
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  }
  return (inner_methods(f).*kMethod)(f.inner, args...);
}

// Version 1: SQLite maps shared memory and memory-maps pages only on the database file, and the
// base VFS opens that one itself.
constexpr sqlite3_io_methods kMethods = {
    1,
    &wal_close,
    &forward<&sqlite3_io_methods::xRead, true>,
    &wal_write,
    &forward<&sqlite3_io_methods::xTruncate, true>,
    &forward<&sqlite3_io_methods::xSync, true>,
    &forward<&sqlite3_io_methods::xFileSize, true>,
    &forward<&sqlite3_io_methods::xLock, false>,
    &forward<&sqlite3_io_methods::xUnlock, false>,
    &forward<&sqlite3_io_methods::xCheckReservedLock, false>,
    // A size hint, say, may extend the file by writing to it.
    &forward<&sqlite3_io_methods::xFileControl, true>,
    &forward<&sqlite3_io_methods::xSectorSize, false>,
    &forward<&sqlite3_io_methods::xDeviceCharacteristics, false>,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
};

int buffer_open(sqlite3_vfs* /*vfs*/, const char* name, sqlite3_file* file, int flags,
                int* out_flags) {
  if ((flags & SQLITE_OPEN_WAL) == 0)
    return base_vfs->xOpen(base_vfs, name, file, flags, out_flags);
  // SQLite hands over raw storage of szOsFile bytes; the file's C++ members are built in it here
  // and destroyed by wal_close.
  auto* f = new (file) WalFile;
  f->inner = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kInnerOffset);
  f->inner->pMethods = nullptr;
  const int rc = base_vfs->xOpen(base_vfs, name, f->inner, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (f->inner->pMethods != nullptr) f->inner->pMethods->xClose(f->inner);
    f->~WalFile();
    file->pMethods = nullptr;  // SQLite does not close a file whose open failed
    return rc;
  }
  f->base.pMethods = &kMethods;
  return SQLITE_OK;
}

}  // namespace

const char* wal_write_buffer_vfs() {
  static std::once_flag registered;
  std::call_once(registered, [] {
    base_vfs = sqlite3_vfs_find(nullptr);
    buffer_vfs = *base_vfs;
    buffer_vfs.zName = "es-wal-buffer";
    buffer_vfs.szOsFile = static_cast<int>(kInnerOffset) + base_vfs->szOsFile;
    buffer_vfs.xOpen = &buffer_open;
    buffer_vfs.pNext = nullptr;
    sqlite3_vfs_register(&buffer_vfs, /*makeDflt=*/0);
  });
  return buffer_vfs.zName;
}

}  // namespace es::sqlite
