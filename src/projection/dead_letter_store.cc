#include "es/projection/dead_letter_store.h"

#include <algorithm>

#include "projection/subscription_name.h"

namespace es {
namespace {

Status validate_name(std::string_view name) {
  return detail::validate_subscription_name(name, "subscription name");
}

// An empty name selects every subscription.
Status validate_optional_name(std::string_view name) {
  return name.empty() ? Status::ok() : validate_name(name);
}

}  // namespace

Status DeadLetterStore::park(const DeadLetter& letter) {
  ES_RETURN_IF_ERROR(validate_name(letter.subscription));
  return do_park(letter);
}

Result<std::vector<DeadLetter>> DeadLetterStore::list(std::string_view subscription) {
  ES_RETURN_IF_ERROR(validate_optional_name(subscription));
  auto letters = do_list(subscription);
  // Stored in the order they were parked, which is not always position order (an event before
  // its stream's first letter may be parked after it).
  if (letters) {
    std::stable_sort(
        letters->begin(), letters->end(),
        [](const DeadLetter& a, const DeadLetter& b) { return a.position < b.position; });
  }
  return letters;
}

Result<std::uint64_t> DeadLetterStore::count(std::string_view subscription) {
  ES_RETURN_IF_ERROR(validate_optional_name(subscription));
  return do_count(subscription);
}

Result<std::uint64_t> DeadLetterStore::retry(std::string_view subscription,
                                             const std::optional<std::string>& stream) {
  ES_RETURN_IF_ERROR(validate_name(subscription));
  return do_retry(subscription, stream);
}

Result<std::uint64_t> DeadLetterStore::discard(std::string_view subscription,
                                               const std::optional<std::string>& stream) {
  ES_RETURN_IF_ERROR(validate_name(subscription));
  return do_discard(subscription, stream);
}

Status DeadLetterStore::remove(const DeadLetter& letter) {
  ES_RETURN_IF_ERROR(validate_name(letter.subscription));
  return do_remove(letter);
}

Status DeadLetterStore::keep(const DeadLetter& letter) {
  ES_RETURN_IF_ERROR(validate_name(letter.subscription));
  return do_keep(letter);
}

}  // namespace es
