#include "es/store/event_store.h"

#include <algorithm>

#include "store/validate.h"

namespace es {
namespace {

constexpr std::uint64_t kMaxPage = 1000;

}  // namespace

Result<AppendResult> EventStore::append(std::string_view stream, ExpectedVersion expected,
                                        std::span<const EventData> events,
                                        std::string_view tenant) {
  const AppendRequest request{stream, expected, events, tenant};
  auto results = append(std::span<const AppendRequest>(&request, 1));
  if (!results) return results.error();
  return results->front();
}

Result<std::vector<AppendResult>> EventStore::append(std::span<const AppendRequest> batch) {
  ES_RETURN_IF_ERROR(detail::validate_append(batch, limits_));
  auto results = do_append(batch);
  if (results) notify_appended();
  return results;
}

std::vector<Result<AppendResult>> EventStore::append_each(std::span<const AppendRequest> requests) {
  auto results = append_checked(
      requests,
      [&](AppendRequest& request) {
        return detail::validate_append(std::span<const AppendRequest>(&request, 1), limits_);
      },
      [&](std::span<const AppendRequest> valid) { return do_append_each(valid); });
  if (std::ranges::any_of(results, [](const auto& r) { return r.has_value(); })) {
    notify_appended();
  }
  return results;
}

std::vector<Result<AppendResult>> EventStore::append_checked(
    std::span<const AppendRequest> requests, const std::function<Status(AppendRequest&)>& check,
    const std::function<std::vector<Result<AppendResult>>(std::span<const AppendRequest>)>&
        append) {
  // Each slot is overwritten: with the request's check error or with its outcome.
  std::vector<Result<AppendResult>> results(requests.size(), Status::internal("not appended"));
  std::vector<AppendRequest> passed;
  std::vector<std::size_t> where;  // passed[k] is requests[where[k]]
  for (std::size_t i = 0; i < requests.size(); ++i) {
    AppendRequest request = requests[i];
    Status checked = check(request);
    if (!checked.is_ok()) {
      results[i] = std::move(checked);
      continue;
    }
    passed.push_back(request);
    where.push_back(i);
  }
  if (passed.empty()) return results;
  std::vector<Result<AppendResult>> done = append(passed);
  for (std::size_t k = 0; k < done.size(); ++k) results[where[k]] = std::move(done[k]);
  return results;
}

std::vector<Result<AppendResult>> EventStore::do_append_each(
    std::span<const AppendRequest> requests) {
  std::vector<Result<AppendResult>> results;
  results.reserve(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    auto one = do_append(requests.subspan(i, 1));
    if (one) {
      results.emplace_back(one->front());
    } else {
      results.emplace_back(one.error());
    }
  }
  return results;
}

Result<std::vector<AppendResult>> EventStore::import(std::span<const ImportGroup> groups) {
  for (const ImportGroup& group : groups) {
    ES_RETURN_IF_ERROR(detail::validate_append(group.requests, limits_));
    for (const AppendRequest& request : group.requests) {
      const ExpectedVersion::Kind kind = request.expected.kind();
      if (kind != ExpectedVersion::Kind::kExact && kind != ExpectedVersion::Kind::kNoStream) {
        return Status::invalid_argument("import: stream '" + std::string(request.stream) +
                                        "' needs an exact expected version");
      }
      for (const EventData& event : request.events) {
        if (event.id.is_nil()) {
          return Status::invalid_argument("import: an event of stream '" +
                                          std::string(request.stream) + "' has no id");
        }
      }
    }
  }
  auto results = do_import(groups);
  if (results) notify_appended();
  return results;
}

Result<std::vector<AppendResult>> EventStore::do_import(std::span<const ImportGroup> /*groups*/) {
  return Status::invalid_argument(
      "this store cannot import events with their recorded times (open the backend itself, "
      "without --tenant or encryption)");
}

void EventStore::notify_appended() {
  // seq_cst pairs with the waiter's increment: either the waiter is counted here, or its head
  // read comes after this append's commit and sees it.
  if (waiters_.load() == 0) return;
  {
    std::lock_guard lock(wake_mutex_);
    ++appends_;
  }
  wake_.notify_all();
}

Result<Position> EventStore::wait_for_append(Position after, std::chrono::milliseconds max_wait,
                                             const std::stop_token& stop) {
  const auto deadline = std::chrono::steady_clock::now() + max_wait;
  waiters_.fetch_add(1);
  struct Leave {
    std::atomic<int>& waiters;
    ~Leave() { waiters.fetch_sub(1); }
  } leave{waiters_};
  for (;;) {
    std::uint64_t seen = 0;
    {
      std::lock_guard lock(wake_mutex_);
      seen = appends_;
    }
    // The head is read after the generation, so an append between the two is not missed.
    auto head = head_position();
    if (!head || *head > after) return head;
    const auto now = std::chrono::steady_clock::now();
    if (stop.stop_requested() || now >= deadline) return head;
    const auto until = std::min(deadline, now + kAppendPollInterval);
    if (wait_for_hint_of(*this, until)) {
      notify_appended();  // the other waiters re-read the head too
      continue;
    }
    std::unique_lock lock(wake_mutex_);
    wake_.wait_until(lock, stop, until, [&] { return appends_ != seen; });
  }
}

bool EventStore::do_wait_for_hint(std::chrono::steady_clock::time_point /*until*/) { return false; }

bool EventStore::wait_for_hint_of(EventStore& store, std::chrono::steady_clock::time_point until) {
  const std::unique_lock hint(store.hint_mutex_, std::try_to_lock);
  return hint.owns_lock() && store.do_wait_for_hint(until);
}

Result<StreamSlice> EventStore::read_stream(std::string_view stream,
                                            const ReadStreamOptions& options) {
  ES_RETURN_IF_ERROR(detail::validate_stream_name(stream, limits_));
  StreamSlice slice;
  auto cursor = do_read_stream(stream, options, [&](const RecordedEvent& event) {
    slice.events.push_back(event);
    return true;
  });
  if (!cursor) return cursor.error();
  slice.next_version = cursor->next_version;
  slice.end = cursor->end;
  return slice;
}

Status EventStore::visit_stream(std::string_view stream, const ReadStreamOptions& options,
                                const EventVisitor& visitor) {
  ES_RETURN_IF_ERROR(detail::validate_stream_name(stream, limits_));
  return do_visit_stream(stream, options, visitor);
}

Status EventStore::do_visit_stream(std::string_view stream, const ReadStreamOptions& options,
                                   const EventVisitor& visitor) {
  ReadStreamOptions page = options;
  page.max_count = std::clamp<std::uint64_t>(options.max_count, 1, kMaxPage);
  bool stopped = false;
  for (;;) {
    auto cursor = do_read_stream(stream, page, [&](const RecordedEvent& event) {
      stopped = !visitor(event);
      return !stopped;
    });
    if (!cursor) return cursor.error();
    if (stopped || cursor->end) return Status::ok();
    page.from_version = cursor->next_version;
  }
}

Result<AllSlice> EventStore::read_all(const ReadAllOptions& options) {
  AllSlice slice;
  ES_RETURN_IF_ERROR(read_all(options, slice));
  return slice;
}

Status EventStore::read_all(const ReadAllOptions& options, AllSlice& page) {
  ES_RETURN_IF_ERROR(detail::validate_filter(options.filter, limits_));
  std::size_t count = 0;
  auto cursor = do_read_all(options, [&](const RecordedEvent& event) {
    // Assigning over a held event reuses its strings' buffers; only a longer page allocates.
    if (count < page.events.size()) {
      page.events[count] = event;
    } else {
      page.events.push_back(event);
    }
    ++count;
    return true;
  });
  if (!cursor) return cursor.error();
  page.events.resize(count);
  page.next = cursor->next;
  page.end = cursor->end;
  return Status::ok();
}

Status EventStore::visit_all(const ReadAllOptions& options, const EventVisitor& visitor) {
  ES_RETURN_IF_ERROR(detail::validate_filter(options.filter, limits_));
  ReadAllOptions page = options;
  page.max_count = std::clamp<std::uint64_t>(options.max_count, 1, kMaxPage);
  bool stopped = false;
  for (;;) {
    auto cursor = do_read_all(page, [&](const RecordedEvent& event) {
      stopped = !visitor(event);
      return !stopped;
    });
    if (!cursor) return cursor.error();
    if (stopped || cursor->end) return Status::ok();
    page.from = cursor->next;
  }
}

Result<StreamInfo> EventStore::stream_info(std::string_view stream) {
  ES_RETURN_IF_ERROR(detail::validate_stream_name(stream, limits_));
  return do_stream_info(stream);
}

Result<Position> EventStore::head_position() { return do_head_position(); }

Result<std::vector<StreamInfo>> EventStore::list_streams(const ListStreamsOptions& options) {
  return do_list_streams(options);
}

Result<StoreStats> EventStore::stats() { return do_stats(); }

Status EventStore::delete_stream(std::string_view stream, ExpectedVersion expected) {
  ES_RETURN_IF_ERROR(detail::validate_stream_name(stream, limits_));
  return do_delete_stream(stream, expected, /*tombstone=*/false);
}

Status EventStore::tombstone_stream(std::string_view stream, ExpectedVersion expected) {
  ES_RETURN_IF_ERROR(detail::validate_stream_name(stream, limits_));
  return do_delete_stream(stream, expected, /*tombstone=*/true);
}

Status EventStore::set_retention(std::string_view stream, const Retention& retention) {
  ES_RETURN_IF_ERROR(detail::validate_stream_name(stream, limits_));
  if (retention.truncate_before < 0) {
    return Status::invalid_argument("retention.truncate_before is negative");
  }
  if (retention.max_age && retention.max_age->count() < 0) {
    return Status::invalid_argument("retention.max_age is negative");
  }
  return do_set_retention(stream, retention);
}

}  // namespace es
