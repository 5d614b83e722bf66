#include "sqlite/child_process.h"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace es::testing {

ChildProcess::ChildProcess(const std::vector<std::string>& args) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  std::vector<std::string> argv_strings{ES_APPEND_CHILD_PATH};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  const int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  out_ = fds[0];
  if (rc != 0) {
    ::close(out_);
    throw std::runtime_error("posix_spawn failed");
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    (void)wait();
  }
  if (out_ >= 0) ::close(out_);
}

bool ChildProcess::read_some(std::chrono::milliseconds timeout) {
  pollfd pfd{out_, POLLIN, 0};
  const int ready = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
  if (ready <= 0) return true;  // nothing yet (or interrupted): try again
  char buffer[4096];
  const ssize_t n = ::read(out_, buffer, sizeof buffer);
  if (n < 0) return errno == EINTR;
  if (n == 0) return false;
  output_.append(buffer, static_cast<std::size_t>(n));
  return true;
}

void ChildProcess::read_to_end() {
  while (read_some(std::chrono::milliseconds(1000))) {
  }
}

std::size_t ChildProcess::complete_lines() const {
  return static_cast<std::size_t>(std::count(output_.begin(), output_.end(), '\n'));
}

std::vector<std::string> ChildProcess::lines() const {
  std::vector<std::string> out;
  // Only complete lines: a line cut short by a kill was never fully reported.
  std::istringstream in(output_.substr(0, output_.rfind('\n') + 1));
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

std::vector<ChildAck> ChildProcess::acks() const {
  std::vector<ChildAck> out;
  for (const std::string& line : lines()) {
    std::istringstream fields(line);
    ChildAck ack;
    fields >> ack.stream >> ack.version >> ack.id >> ack.position;
    if (fields) out.push_back(ack);
  }
  return out;
}

void ChildProcess::kill_hard() {
  if (pid_ > 0) ::kill(pid_, SIGKILL);
}

int ChildProcess::wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace es::testing
