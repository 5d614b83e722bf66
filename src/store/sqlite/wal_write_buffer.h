// The WAL write buffer: a SQLite VFS over the default one that gathers the writes of the `-wal`
// file into one buffer and hands them to the file in 64 KiB writes, just before the file is synced
// (docs/storage-sqlite.md, "WAL writes").
//
// SQLite writes each WAL frame with two writes (its 24-byte header, then the page), so a commit
// that dirties 60 pages costs 120 system calls before its fsync; gathered, it costs four. Writes
// that extend the buffer, or land inside it, stay in memory; anything else on the file (a read,
// a sync, its size, a truncation, a file control, closing it) writes the buffer out first, so
// SQLite reads back what it wrote. Other files pass through untouched.
//
// Only for connections with synchronous=FULL: there every commit syncs the WAL before the
// commit becomes visible to other connections, so what they read has been written. Under NORMAL
// or OFF a commit does not sync, and its frames must reach the file at once.
//
// The buffer lives only as long as the write transaction that filled it: when the connection gives
// up the WAL write lock, what is left (pages a rolled-back transaction spilled) is dropped, since
// the next writer may put its own frames at those offsets. The database file is wrapped for that
// alone; a WAL file opened other than by SQLite's pager, whose database file cannot be found, is
// not buffered.
//
// Thread safety: wal_write_buffer_vfs() may be called from any thread; each file is used by the
// one connection that opened it, as SQLite does.
#pragma once

namespace es::sqlite {

// The VFS's name for sqlite3_open_v2, registered (not as the default) on the first call.
const char* wal_write_buffer_vfs();

}  // namespace es::sqlite
