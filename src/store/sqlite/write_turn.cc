#include "store/sqlite/write_turn.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

namespace es::sqlite {
namespace {

constexpr off_t kWaiting = 0;  // shared: held by every connection waiting for the write lock
constexpr off_t kTurn = 1;     // exclusive: held by the one waiting connection that may try

bool lock(int fd, int cmd, short type, off_t byte) {
  struct flock request {};
  request.l_type = type;
  request.l_whence = SEEK_SET;
  request.l_start = byte;
  request.l_len = 1;
  return fcntl(fd, cmd, &request) == 0;
}

}  // namespace

std::unique_ptr<WriteTurn> WriteTurn::open(const std::string& path) {
  const int fd = ::open((path + "-turn").c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return nullptr;
  return std::unique_ptr<WriteTurn>(new WriteTurn(fd));
}

WriteTurn::~WriteTurn() { ::close(fd_); }

bool WriteTurn::others_waiting() const {
  struct flock probe {};
  probe.l_type = F_WRLCK;
  probe.l_whence = SEEK_SET;
  probe.l_start = kWaiting;
  probe.l_len = 1;
  return fcntl(fd_, F_OFD_GETLK, &probe) == 0 && probe.l_type != F_UNLCK;
}

bool WriteTurn::enter(std::chrono::steady_clock::time_point deadline) {
  // Nobody holds byte 0 exclusively (others_waiting only probes), so this does not wait.
  (void)lock(fd_, F_OFD_SETLK, F_RDLCK, kWaiting);
  // The turn is held for one try at the write lock; a short pause between looks keeps the queue
  // cheap while the connection ahead commits.
  auto pause = std::chrono::microseconds(20);
  while (!lock(fd_, F_OFD_SETLK, F_WRLCK, kTurn)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(500));
  }
  return true;
}

void WriteTurn::leave() {
  (void)lock(fd_, F_OFD_SETLK, F_UNLCK, kTurn);
  (void)lock(fd_, F_OFD_SETLK, F_UNLCK, kWaiting);
}

}  // namespace es::sqlite
