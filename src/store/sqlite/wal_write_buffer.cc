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

// What SQLite allocates for a file opened through buffer_vfs: one of these structs, then the
// base VFS's file. `base` comes first: SQLite sees a sqlite3_file whose methods are ours, and
// `inner` comes second in both, so forward<> reaches the base file of either.
struct WalFile;

// A connection's database file. Wrapped only to see the connection give up the WAL write lock.
struct DbFile {
  sqlite3_file base{};
  sqlite3_file* inner = nullptr;
  WalFile* wal = nullptr;  // the same connection's WAL file while it is open
};

// A connection's `-wal` file.
struct WalFile {
  sqlite3_file base{};
  sqlite3_file* inner = nullptr;
  DbFile* db = nullptr;       // its database file; nullptr: nothing is buffered
  std::vector<char> pending;  // bytes not yet written, from file offset `start`
  sqlite3_int64 start = 0;
};

constexpr std::size_t kInnerOffset =
    (std::max(sizeof(WalFile), sizeof(DbFile)) + 7) & ~std::size_t{7};

template <typename File>
File& as(sqlite3_file* file) {
  return *reinterpret_cast<File*>(file);
}
const sqlite3_io_methods& inner_methods(const sqlite3_file* inner) { return *inner->pMethods; }

// The unix VFS writes at most 128 KiB - 1 bytes per call (it masks the length to 17 bits).
constexpr std::size_t kMaxWrite = std::size_t{64} << 10;

int flush(WalFile& f) {
  int rc = SQLITE_OK;
  for (std::size_t done = 0; done < f.pending.size() && rc == SQLITE_OK; done += kMaxWrite) {
    const std::size_t n = std::min(kMaxWrite, f.pending.size() - done);
    rc = inner_methods(f.inner).xWrite(f.inner, f.pending.data() + done, static_cast<int>(n),
                                       f.start + static_cast<sqlite3_int64>(done));
  }
  f.pending.clear();
  return rc;
}

// Nothing is left to write at a close: SQLite ends every write transaction (and so the buffer)
// before it closes the WAL.
int wal_close(sqlite3_file* file) {
  auto& f = as<WalFile>(file);
  const int closed = inner_methods(f.inner).xClose(f.inner);
  if (f.db != nullptr) f.db->wal = nullptr;
  f.~WalFile();
  return closed;
}

int wal_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  auto& f = as<WalFile>(file);
  if (f.db == nullptr) return inner_methods(f.inner).xWrite(f.inner, data, amount, offset);
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

// A method of the base file, called with the same arguments; with `kFlushFirst` (WAL files
// only), once the buffer is out: whatever SQLite asks of the file then sees every write it made.
template <typename File, auto kMethod, bool kFlushFirst, typename... Args>
int forward(sqlite3_file* file, Args... args) {
  auto& f = as<File>(file);
  if constexpr (kFlushFirst) {
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  }
  return (inner_methods(f.inner).*kMethod)(f.inner, args...);
}

// Version 1: SQLite maps shared memory and memory-maps pages only on the database file.
constexpr sqlite3_io_methods kWalMethods = {
    1,
    &wal_close,
    &forward<WalFile, &sqlite3_io_methods::xRead, true>,
    &wal_write,
    &forward<WalFile, &sqlite3_io_methods::xTruncate, true>,
    &forward<WalFile, &sqlite3_io_methods::xSync, true>,
    &forward<WalFile, &sqlite3_io_methods::xFileSize, true>,
    &forward<WalFile, &sqlite3_io_methods::xLock, false>,
    &forward<WalFile, &sqlite3_io_methods::xUnlock, false>,
    &forward<WalFile, &sqlite3_io_methods::xCheckReservedLock, false>,
    // A size hint, say, may extend the file by writing to it.
    &forward<WalFile, &sqlite3_io_methods::xFileControl, true>,
    &forward<WalFile, &sqlite3_io_methods::xSectorSize, false>,
    &forward<WalFile, &sqlite3_io_methods::xDeviceCharacteristics, false>,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
};

int db_close(sqlite3_file* file) {
  auto& f = as<DbFile>(file);
  const int closed = inner_methods(f.inner).xClose(f.inner);
  if (f.wal != nullptr) f.wal->db = nullptr;
  f.~DbFile();
  return closed;
}

// WAL_WRITE_LOCK, the first of the shared-memory locks (SQLite's wal.c): held from the start of
// a write transaction to its end, whether it committed or rolled back.
constexpr int kWalWriteLock = 0;

// The buffer never outlives the write transaction it was filled in. A commit under FULL syncs the
// WAL, so the buffer is empty when the lock goes; what is left belongs to a transaction that
// rolled back (pages it spilled before its end), which SQLite often leaves without any WAL I/O.
// Written later, those bytes would land over frames another connection committed meanwhile.
int db_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  auto& f = as<DbFile>(file);
  const bool releases_write_lock =
      (flags & SQLITE_SHM_UNLOCK) != 0 && offset <= kWalWriteLock && kWalWriteLock < offset + n;
  if (releases_write_lock && f.wal != nullptr) f.wal->pending.clear();
  return inner_methods(f.inner).xShmLock(f.inner, offset, n, flags);
}

void db_shm_barrier(sqlite3_file* file) {
  sqlite3_file* inner = as<DbFile>(file).inner;
  inner_methods(inner).xShmBarrier(inner);
}

// Version 3, as the unix VFS's database files; everything but closing and the write lock goes
// straight to the base file.
constexpr sqlite3_io_methods kDbMethods = {
    3,
    &db_close,
    &forward<DbFile, &sqlite3_io_methods::xRead, false>,
    &forward<DbFile, &sqlite3_io_methods::xWrite, false>,
    &forward<DbFile, &sqlite3_io_methods::xTruncate, false>,
    &forward<DbFile, &sqlite3_io_methods::xSync, false>,
    &forward<DbFile, &sqlite3_io_methods::xFileSize, false>,
    &forward<DbFile, &sqlite3_io_methods::xLock, false>,
    &forward<DbFile, &sqlite3_io_methods::xUnlock, false>,
    &forward<DbFile, &sqlite3_io_methods::xCheckReservedLock, false>,
    &forward<DbFile, &sqlite3_io_methods::xFileControl, false>,
    &forward<DbFile, &sqlite3_io_methods::xSectorSize, false>,
    &forward<DbFile, &sqlite3_io_methods::xDeviceCharacteristics, false>,
    &forward<DbFile, &sqlite3_io_methods::xShmMap, false>,
    &db_shm_lock,
    &db_shm_barrier,
    &forward<DbFile, &sqlite3_io_methods::xShmUnmap, false>,
    &forward<DbFile, &sqlite3_io_methods::xFetch, false>,
    &forward<DbFile, &sqlite3_io_methods::xUnfetch, false>,
};

// The same for a base file without shared memory or memory mapping (a VFS other than SQLite's
// own): SQLite must not see methods the base file lacks. No WAL of it is buffered.
constexpr sqlite3_io_methods kDbMethodsV1 = [] {
  sqlite3_io_methods methods = kDbMethods;
  methods.iVersion = 1;
  methods.xShmMap = nullptr;
  methods.xShmLock = nullptr;
  methods.xShmBarrier = nullptr;
  methods.xShmUnmap = nullptr;
  methods.xFetch = nullptr;
  methods.xUnfetch = nullptr;
  return methods;
}();

// Opens `file` in the base VFS at `inner`, right after our struct of type File built in `file`.
template <typename File>
int open_wrapped(const char* name, sqlite3_file* file, int flags, int* out_flags,
                 const sqlite3_io_methods& methods) {
  // SQLite hands over raw storage of szOsFile bytes; the file's C++ members are built in it here
  // and destroyed by its close.
  auto* f = new (file) File;
  f->inner = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + kInnerOffset);
  f->inner->pMethods = nullptr;
  const int rc = base_vfs->xOpen(base_vfs, name, f->inner, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (f->inner->pMethods != nullptr) f->inner->pMethods->xClose(f->inner);
    f->~File();
    file->pMethods = nullptr;  // SQLite does not close a file whose open failed
    return rc;
  }
  f->base.pMethods = &methods;
  return SQLITE_OK;
}

int buffer_open(sqlite3_vfs* /*vfs*/, const char* name, sqlite3_file* file, int flags,
                int* out_flags) {
  if ((flags & SQLITE_OPEN_MAIN_DB) != 0) {
    const int rc = open_wrapped<DbFile>(name, file, flags, out_flags, kDbMethods);
    if (rc == SQLITE_OK && as<DbFile>(file).inner->pMethods->iVersion < 3) {
      file->pMethods = &kDbMethodsV1;
    }
    return rc;
  }
  if ((flags & SQLITE_OPEN_WAL) == 0)
    return base_vfs->xOpen(base_vfs, name, file, flags, out_flags);
  const int rc = open_wrapped<WalFile>(name, file, flags, out_flags, kWalMethods);
  if (rc != SQLITE_OK) return rc;
  // SQLite's pager opens a WAL file after its database file, and names it so that this finds
  // the database file. Only a WAL whose write lock is seen may buffer, and only on a device with
  // power-safe overwrite: without it SQLite pads a commit to a sector boundary with frames it
  // writes after the sync (`psow=0`), which the buffer would still hold when the lock goes.
  sqlite3_file* db = sqlite3_database_file_object(name);
  if (db != nullptr && db->pMethods == &kDbMethods &&
      (db->pMethods->xDeviceCharacteristics(db) & SQLITE_IOCAP_POWERSAFE_OVERWRITE) != 0) {
    auto& wal = as<WalFile>(file);
    wal.db = &as<DbFile>(db);
    wal.db->wal = &wal;
  }
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
