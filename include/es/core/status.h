// Status: the outcome of an operation that returns no value — a code and a message naming the
// problem.
//
// Codes and what a caller should do with them:
//   kConflict         the expected version did not match: reload the stream and retry the command.
//   kUnavailable      transient (database busy, I/O hiccup): retry later, the operation did
//   nothing. kInvalidArgument, kAlreadyExists, kStreamDeleted, kNotFound, kPermissionDenied,
//   kRejected:
//                     do not retry unchanged.
//   kIntegrity        stored data failed a consistency check; kInternal a bug or an unexpected
//   engine error.
// A conflict also carries the expected and actual stream versions.
//
// Thread safety: a value type; distinct objects may be used from different threads.
//
//   es::Status s = store.delete_stream("account-42");
//   if (s.code() == es::StatusCode::kNotFound) { ... }
//   if (!s.ok()) std::cerr << s.to_string() << "\n";
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace es {

enum class StatusCode : std::uint8_t {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kConflict,
  kAlreadyExists,
  kStreamDeleted,
  kPermissionDenied,
  kRejected,
  kUnavailable,
  kIntegrity,
  kInternal,
};

// The canonical lower-case name of a code, e.g. "conflict".
std::string_view status_code_name(StatusCode code);

// The two versions a kConflict reports; "expected" is the text form of an ExpectedVersion.
struct VersionConflict {
  std::string stream;
  std::string expected;
  std::int64_t actual = 0;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message);
  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;
  ~Status() = default;

  static Status ok() { return {}; }
  static Status invalid_argument(std::string message);
  static Status not_found(std::string message);
  static Status already_exists(std::string message);
  static Status stream_deleted(std::string message);
  static Status permission_denied(std::string message);
  static Status rejected(std::string message);
  static Status unavailable(std::string message);
  static Status integrity(std::string message);
  static Status internal(std::string message);
  // A version conflict; the message names the stream and both versions.
  static Status conflict(VersionConflict conflict);

  [[nodiscard]] bool is_ok() const { return rep_ == nullptr; }
  [[nodiscard]] StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  [[nodiscard]] std::string_view message() const;
  // Set only for kConflict statuses made by Status::conflict().
  [[nodiscard]] const VersionConflict* conflict() const;
  // "conflict: stream 'a' expected version 3, actual 5"; "ok" for success.
  [[nodiscard]] std::string to_string() const;

  explicit operator bool() const { return is_ok(); }

 private:
  struct Rep {
    StatusCode code;
    std::string message;
    std::unique_ptr<VersionConflict> conflict;
  };
  std::unique_ptr<Rep> rep_;  // null means ok: success costs no allocation
};

}  // namespace es
