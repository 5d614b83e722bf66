#include "es/projection/checkpoint_store.h"

#include "projection/checkpoint_conflict.h"
#include "projection/subscription_name.h"

namespace es {
namespace {

Status validate_name(std::string_view name) {
  return detail::validate_subscription_name(name, "checkpoint name");
}

std::string describe(const std::optional<Position>& position) {
  return position ? position->to_string() : "none";
}

}  // namespace

Result<std::optional<Position>> CheckpointStore::load(std::string_view name) {
  ES_RETURN_IF_ERROR(validate_name(name));
  return do_load(name);
}

Status CheckpointStore::save(std::string_view name, const std::optional<Position>& expected,
                             Position next) {
  ES_RETURN_IF_ERROR(validate_name(name));
  return do_save(name, expected, next);
}

Status CheckpointStore::remove(std::string_view name) {
  ES_RETURN_IF_ERROR(validate_name(name));
  return do_remove(name);
}

Result<std::vector<Checkpoint>> CheckpointStore::list() { return do_list(); }

namespace detail {

Status checkpoint_conflict(std::string_view name, const std::optional<Position>& expected,
                           const std::optional<Position>& actual) {
  return Status(StatusCode::kConflict, "checkpoint '" + std::string(name) + "' expected " +
                                           describe(expected) + ", actual " + describe(actual) +
                                           " (another runner under this name advanced it)");
}

}  // namespace detail

}  // namespace es
