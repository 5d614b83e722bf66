// WriteTurn: writers of one SQLite file take turns at its write lock (docs/storage-sqlite.md,
// "Writers in several processes").
//
// SQLite lets a writer that finds the lock taken sleep and try again; a writer that commits in a
// loop (a busy process, a projection runner catching up) takes the lock back between two tries
// of the sleeper every time, for seconds. So a connection that wants the lock first looks whether
// another one is already waiting; if so, or if the lock is taken, it queues: it announces itself
// as waiting and takes the turn, and only the connection holding the turn tries for the lock.
// A writer that has just committed therefore lets the waiting ones go first.
//
// Both are open-file-description locks (Linux F_OFD_SETLK) on the file `<database>-turn`, byte 0
// shared while waiting and byte 1 exclusive for the turn, so two connections of one process queue
// like two processes, and a lock dies with its connection, even on kill -9. The file is empty; it
// is created beside the database by the first writer and never removed.
//
// Thread safety: one connection's object, used by the thread that uses the connection.
#pragma once

#include <chrono>
#include <memory>
#include <string>

namespace es::sqlite {

class WriteTurn {
 public:
  // The turn of the database at `path`; nullptr when its turn file cannot be opened or created
  // (a read-only directory, say): the connection then waits for the lock as SQLite does.
  static std::unique_ptr<WriteTurn> open(const std::string& path);
  ~WriteTurn();
  WriteTurn(const WriteTurn&) = delete;
  WriteTurn& operator=(const WriteTurn&) = delete;

  // True when another connection waits for the write lock.
  bool others_waiting() const;
  // Announces this connection as waiting and takes the turn, waiting for it until `deadline` at
  // most; false when the turn did not come (the connection still counts as waiting: a holder of
  // the turn that was stopped, say, must not keep every other writer out).
  bool enter(std::chrono::steady_clock::time_point deadline);
  // Gives the turn up and stops waiting.
  void leave();

 private:
  explicit WriteTurn(int fd) : fd_(fd) {}
  const int fd_;
};

}  // namespace es::sqlite
