#include "es/store/tenant_store.h"

#include <string>
#include <vector>

#include "store/validate.h"

namespace es {
namespace {

class TenantStore final : public EventStore {
 public:
  TenantStore(EventStore& inner, std::unique_ptr<EventStore> owned, std::string tenant)
      : EventStore(inner.limits()),
        inner_(inner),
        owned_(std::move(owned)),
        tenant_(std::move(tenant)) {}

 protected:
  Result<std::vector<AppendResult>> do_append(std::span<const AppendRequest> batch) override {
    std::vector<AppendRequest> scoped(batch.begin(), batch.end());
    for (AppendRequest& request : scoped) ES_RETURN_IF_ERROR(scope(request));
    return inner_.append(scoped);
  }

  std::vector<Result<AppendResult>> do_append_each(
      std::span<const AppendRequest> requests) override {
    return append_checked(
        requests, [this](AppendRequest& request) { return scope(request); },
        [this](std::span<const AppendRequest> scoped) { return inner_.append_each(scoped); });
  }

  // Reads first and asks whose stream it is afterwards: a stream's tenant is fixed once the
  // stream exists, so a stream that had events to return is still the same tenant's.
  Result<StreamCursor> do_read_stream(std::string_view stream, const ReadStreamOptions& options,
                                      const EventVisitor& visitor) override {
    auto slice = inner_.read_stream(stream, options);
    if (!slice && slice.error().code() != StatusCode::kStreamDeleted) return slice.error();
    auto mine = owns(stream);
    if (!mine) return mine.error();
    if (!*mine) return StreamCursor{};
    if (!slice) return slice.error();
    const std::int64_t step = options.direction == Direction::kForward ? 1 : -1;
    for (const RecordedEvent& event : slice->events) {
      if (!visitor(event)) return StreamCursor{.next_version = event.version + step, .end = false};
    }
    return StreamCursor{.next_version = slice->next_version, .end = slice->end};
  }

  Result<AllCursor> do_read_all(const ReadAllOptions& options,
                                const EventVisitor& visitor) override {
    if (options.filter.tenant && *options.filter.tenant != tenant_) {
      return Status::permission_denied("this handle reads tenant '" + tenant_ + "' only, not '" +
                                       *options.filter.tenant + "'");
    }
    ReadAllOptions scoped = options;
    scoped.filter.tenant = tenant_;
    auto page = inner_.read_all(scoped);
    if (!page) return page.error();
    for (const RecordedEvent& event : page->events) {
      if (!visitor(event)) return AllCursor{.next = event.position, .end = false};
    }
    return AllCursor{.next = page->next, .end = page->end};
  }

  Result<StreamInfo> do_stream_info(std::string_view stream) override {
    auto info = inner_.stream_info(stream);
    if (!info) return info.error();
    if (info->state != StreamState::kAbsent && info->tenant != tenant_) {
      return StreamInfo{.stream = std::string(stream)};
    }
    return info;
  }

  Result<Position> do_head_position() override { return inner_.head_position(); }
  bool do_wait_for_hint(std::chrono::steady_clock::time_point until) override {
    return wait_for_hint_of(inner_, until);
  }

  Result<std::vector<StreamInfo>> do_list_streams(const ListStreamsOptions& options) override {
    std::vector<StreamInfo> out;
    ListStreamsOptions page = options;
    while (out.size() < options.max_count) {
      auto streams = inner_.list_streams(page);
      if (!streams) return streams.error();
      for (StreamInfo& info : *streams) {
        if (info.tenant == tenant_ && out.size() < options.max_count) out.push_back(info);
      }
      if (streams->size() < page.max_count) break;
      page.after = streams->back().stream;
    }
    return out;
  }

  Result<StoreStats> do_stats() override {
    auto all = inner_.stats();
    if (!all) return all.error();
    StoreStats stats{.backend = all->backend};
    for (ListStreamsOptions page;;) {
      auto streams = inner_.list_streams(page);
      if (!streams) return streams.error();
      for (const StreamInfo& info : *streams) {
        if (info.tenant == tenant_) stats.count(info.state);
      }
      if (streams->size() < page.max_count) break;
      page.after = streams->back().stream;
    }
    ES_RETURN_IF_ERROR(
        inner_.visit_all({.filter = {.tenant = tenant_}}, [&](const RecordedEvent& e) {
          ++stats.events;
          if (!stats.first_recorded_at) stats.first_recorded_at = e.recorded_at;
          stats.last_recorded_at = e.recorded_at;
          return true;
        }));
    return stats;
  }

  Status do_delete_stream(std::string_view stream, ExpectedVersion expected,
                          bool tombstone) override {
    ES_RETURN_IF_ERROR(check_writable(stream));
    return tombstone ? inner_.tombstone_stream(stream, expected)
                     : inner_.delete_stream(stream, expected);
  }

  Status do_set_retention(std::string_view stream, const Retention& retention) override {
    ES_RETURN_IF_ERROR(check_writable(stream));
    return inner_.set_retention(stream, retention);
  }

  // The tenant's streams, one after another in name order (the order the scan needs); another
  // tenant's stream is not there to verify.
  Status do_scan_chain(std::string_view stream, detail::ChainScan& scan) override {
    if (!stream.empty()) {
      auto mine = owns(stream);
      if (!mine) return mine.error();
      return *mine ? scan_chain_of(inner_, stream, scan) : Status::ok();
    }
    for (ListStreamsOptions page;;) {
      auto streams = do_list_streams(page);
      if (!streams) return streams.error();
      for (const StreamInfo& info : *streams) {
        ES_RETURN_IF_ERROR(scan_chain_of(inner_, info.stream, scan));
      }
      if (streams->size() < page.max_count) return Status::ok();
      page.after = streams->back().stream;
    }
  }

 private:
  // Gives `request` this handle's tenant; kPermissionDenied when it names another.
  Status scope(AppendRequest& request) const {
    if (!request.tenant.empty() && request.tenant != tenant_) {
      return Status::permission_denied("stream '" + std::string(request.stream) +
                                       "': this handle appends for tenant '" + tenant_ +
                                       "' only, not '" + std::string(request.tenant) + "'");
    }
    request.tenant = tenant_;
    return Status::ok();
  }

  // Whether `stream` exists and is the tenant's (an absent stream is nobody's).
  Result<bool> owns(std::string_view stream) {
    auto info = inner_.stream_info(stream);
    if (!info) return info.error();
    return info->state != StreamState::kAbsent && info->tenant == tenant_;
  }

  // Deletion and retention: the tenant's existing streams only. The check cannot race with the
  // change, since an existing stream never changes tenant.
  Status check_writable(std::string_view stream) {
    auto info = inner_.stream_info(stream);
    if (!info) return info.error();
    if (info->state == StreamState::kAbsent) {
      return Status::not_found("stream '" + std::string(stream) + "' does not exist for tenant '" +
                               tenant_ + "'");
    }
    if (info->tenant != tenant_) {
      return Status::permission_denied("stream '" + std::string(stream) +
                                       "' belongs to another tenant");
    }
    return Status::ok();
  }

  EventStore& inner_;
  const std::unique_ptr<EventStore> owned_;  // null when borrowed
  const std::string tenant_;
};

Status validate_scope(std::string_view tenant, const Limits& limits) {
  if (tenant.empty()) return Status::invalid_argument("tenant: a scoped handle needs a tenant");
  return detail::validate_tenant(tenant, limits);
}

}  // namespace

Result<std::unique_ptr<EventStore>> scope_to_tenant(EventStore& store, std::string_view tenant) {
  ES_RETURN_IF_ERROR(validate_scope(tenant, store.limits()));
  return std::unique_ptr<EventStore>(
      std::make_unique<TenantStore>(store, nullptr, std::string(tenant)));
}

Result<std::unique_ptr<EventStore>> scope_to_tenant(std::unique_ptr<EventStore> store,
                                                    std::string_view tenant) {
  ES_RETURN_IF_ERROR(validate_scope(tenant, store->limits()));
  EventStore& inner = *store;
  return std::unique_ptr<EventStore>(
      std::make_unique<TenantStore>(inner, std::move(store), std::string(tenant)));
}

}  // namespace es
