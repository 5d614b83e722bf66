#include "es/core/status.h"

#include <array>

namespace es {

std::string_view status_code_name(StatusCode code) {
  static constexpr std::array<std::string_view, 11> kNames = {"ok",
                                                              "invalid_argument",
                                                              "not_found",
                                                              "conflict",
                                                              "already_exists",
                                                              "stream_deleted",
                                                              "permission_denied",
                                                              "rejected",
                                                              "unavailable",
                                                              "integrity",
                                                              "internal"};
  const auto index = static_cast<std::size_t>(code);
  return index < kNames.size() ? kNames[index] : "unknown";
}

Status::Status(StatusCode code, std::string message) {
  if (code != StatusCode::kOk) rep_ = std::make_unique<Rep>(Rep{code, std::move(message), nullptr});
}

Status::Status(const Status& other) { *this = other; }

Status& Status::operator=(const Status& other) {
  if (this == &other) return *this;
  if (other.rep_ == nullptr) {
    rep_.reset();
    return *this;
  }
  rep_ = std::make_unique<Rep>(Rep{other.rep_->code, other.rep_->message, nullptr});
  if (other.rep_->conflict)
    rep_->conflict = std::make_unique<VersionConflict>(*other.rep_->conflict);
  return *this;
}

Status Status::invalid_argument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
Status Status::not_found(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
Status Status::already_exists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
Status Status::stream_deleted(std::string m) { return {StatusCode::kStreamDeleted, std::move(m)}; }
Status Status::permission_denied(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
Status Status::rejected(std::string m) { return {StatusCode::kRejected, std::move(m)}; }
Status Status::unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
Status Status::integrity(std::string m) { return {StatusCode::kIntegrity, std::move(m)}; }
Status Status::internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

Status Status::conflict(VersionConflict conflict) {
  Status status(StatusCode::kConflict, "stream '" + conflict.stream + "' expected version " +
                                           conflict.expected + ", actual " +
                                           std::to_string(conflict.actual));
  status.rep_->conflict = std::make_unique<VersionConflict>(std::move(conflict));
  return status;
}

std::string_view Status::message() const { return rep_ ? std::string_view(rep_->message) : ""; }

const VersionConflict* Status::conflict() const { return rep_ ? rep_->conflict.get() : nullptr; }

std::string Status::to_string() const {
  if (is_ok()) return "ok";
  return std::string(status_code_name(code())) + ": " + rep_->message;
}

}  // namespace es
