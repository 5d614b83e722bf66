#include "es/store/memory_store.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "store/append_rules.h"
#include "store/chain_scan.h"
#include "store/hash_chain.h"
#include "store/retention.h"

namespace es {
namespace {

struct UuidHash {
  std::size_t operator()(const Uuid& id) const {
    std::size_t h = 0;
    for (auto b : id.bytes()) h = h * 131 + b;
    return h;
  }
};

struct MemoryStream {
  detail::StreamRow row;
  Retention retention;
  std::vector<std::size_t> events;  // indexes into MemoryStore::log_, by version - 1
  Timestamp created_at;
  Timestamp updated_at;
};

bool matches(const EventFilter& filter, const RecordedEvent& event) {
  auto any_of = [](const std::vector<std::string>& list, auto&& pred) {
    return list.empty() || std::any_of(list.begin(), list.end(), pred);
  };
  const std::string_view stream = event.stream;
  const std::string_view category = stream.substr(0, stream.find('-'));
  return any_of(filter.types, [&](const std::string& t) { return t == event.type; }) &&
         any_of(filter.categories, [&](const std::string& c) { return c == category; }) &&
         stream.starts_with(filter.stream_prefix) &&
         (!filter.tenant || *filter.tenant == event.tenant);
}

class MemoryStore final : public EventStore {
 public:
  explicit MemoryStore(Limits limits) : EventStore(limits) {}

 protected:
  Result<std::vector<AppendResult>> do_append(std::span<const AppendRequest> batch) override {
    return append_at(batch, std::nullopt);
  }
  Result<std::vector<AppendResult>> do_import(std::span<const ImportGroup> groups) override {
    std::vector<AppendResult> results;
    for (const ImportGroup& group : groups) {
      auto appended = append_at(group.requests, group.recorded_at);
      if (!appended) return appended.error();
      results.insert(results.end(), appended->begin(), appended->end());
    }
    return results;
  }

  // Appends with the clock's time (never decreasing), or with `imported` when given.
  Result<std::vector<AppendResult>> append_at(std::span<const AppendRequest> batch,
                                              std::optional<Timestamp> imported) {
    std::unique_lock lock(mutex_);
    // Decide every request before writing any, so a failing batch writes nothing.
    std::vector<AppendResult> results(batch.size());
    std::size_t replays = 0;
    for (std::size_t r = 0; r < batch.size(); ++r) {
      const AppendRequest& request = batch[r];
      const detail::StreamRow row = row_of(request.stream);
      // The tenant first: another tenant learns nothing, not even a replay's place or a version.
      ES_RETURN_IF_ERROR(detail::check_tenant(request.stream, row, request.tenant));
      std::vector<std::optional<detail::StoredPlace>> stored;
      bool any_stored = false;
      for (const EventData& event : request.events) {
        auto found = event.id.is_nil() ? ids_.end() : ids_.find(event.id);
        if (found == ids_.end()) {
          stored.emplace_back();
          continue;
        }
        const RecordedEvent& e = log_[found->second];
        stored.push_back(detail::StoredPlace{e.stream, e.version, e.position});
        any_stored = true;
      }
      if (any_stored) {
        auto replay = detail::check_replay(request.stream, row, request.expected, stored);
        if (!replay) return replay.error();
        results[r] = *replay;
        ++replays;
        continue;
      }
      ES_RETURN_IF_ERROR(detail::check_expected(request.stream, row, request.expected));
    }
    if (replays == batch.size()) return results;
    if (replays > 0) {
      return Status::already_exists("batch repeats the event ids of some requests but not others");
    }
    const Timestamp recorded_at = imported.value_or(std::max(now(), last_recorded_at_));
    last_recorded_at_ = std::max(last_recorded_at_, recorded_at);
    for (std::size_t r = 0; r < batch.size(); ++r) {
      const AppendRequest& request = batch[r];
      MemoryStream& stream = streams_[std::string(request.stream)];
      if (!stream.row.exists) {
        stream.row.exists = true;
        stream.row.tenant = std::string(request.tenant);
        stream.created_at = recorded_at;
      }
      stream.updated_at = recorded_at;
      results[r].first_version = stream.row.version + 1;
      for (const EventData& data : request.events) {
        RecordedEvent& e = log_.emplace_back();
        e.id = data.id.is_nil() ? Uuid::v7() : data.id;
        e.stream = std::string(request.stream);
        e.version = ++stream.row.version;
        e.position = Position(0, log_.size());
        e.type = data.type;
        e.schema_version = data.schema_version;
        e.data = data.data;
        e.metadata = data.metadata;
        e.tenant = stream.row.tenant;
        e.recorded_at = recorded_at;
        stream.row.last_hash = detail::chain_hash(stream.row.last_hash, detail::chain_fields(e));
        hashes_.push_back(stream.row.last_hash);
        ids_.emplace(e.id, log_.size() - 1);
        stream.events.push_back(log_.size() - 1);
        if (results[r].first_position.is_start()) results[r].first_position = e.position;
        results[r].last_position = e.position;
      }
      results[r].last_version = stream.row.version;
    }
    return results;
  }

  Result<StreamCursor> do_read_stream(std::string_view name, const ReadStreamOptions& options,
                                      const EventVisitor& visitor) override {
    std::vector<RecordedEvent> page;
    StreamCursor cursor;
    {
      std::shared_lock lock(mutex_);
      auto it = streams_.find(name);
      if (it == streams_.end()) return cursor;
      const MemoryStream& stream = it->second;
      if (stream.row.tombstoned) {
        return Status::stream_deleted("stream '" + std::string(name) + "' is tombstoned");
      }
      const auto bounds = detail::retention_bounds(stream.retention, stream.row.version, now());
      const std::int64_t low = std::max(bounds.min_version, stream.row.truncate_before);
      const std::int64_t high = stream.row.version;
      const bool forward = options.direction == Direction::kForward;
      std::int64_t v = options.from_version.value_or(forward ? low : high);
      const std::int64_t step = forward ? 1 : -1;
      if (forward)
        v = std::max(v, low);
      else
        v = std::min(v, high);
      for (; v >= low && v <= high; v += step) {
        const RecordedEvent& e = log_[stream.events[static_cast<std::size_t>(v - 1)]];
        if (bounds.min_recorded_at && e.recorded_at < *bounds.min_recorded_at) continue;
        if (options.as_of && e.recorded_at > *options.as_of) {
          if (forward) break;
          continue;
        }
        if (page.size() == options.max_count) {
          cursor.end = false;
          cursor.next_version = v;
          break;
        }
        page.push_back(e);
      }
    }
    // Visit outside the lock so a visitor may call back into the store.
    for (const RecordedEvent& e : page) {
      if (!visitor(e)) break;
    }
    return cursor;
  }

  Result<AllCursor> do_read_all(const ReadAllOptions& options,
                                const EventVisitor& visitor) override {
    if (options.from.major() != 0) {
      return Status::invalid_argument("position " + options.from.to_string() +
                                      " is not a position of a memory store");
    }
    std::vector<RecordedEvent> page;
    AllCursor cursor;
    {
      std::shared_lock lock(mutex_);
      cursor.next = log_.empty() ? options.from : std::max(options.from, log_.back().position);
      // Positions are (0, index + 1), so `from` names the index to start at.
      for (std::size_t i = options.from.minor(); i < log_.size(); ++i) {
        const RecordedEvent& e = log_[i];
        if (options.until && e.recorded_at > *options.until) {
          cursor.next = i == 0 ? options.from : std::max(options.from, log_[i - 1].position);
          break;
        }
        if (!matches(options.filter, e)) continue;
        if (page.size() == options.max_count) {
          cursor.end = false;
          cursor.next = page.empty() ? options.from : page.back().position;
          break;
        }
        page.push_back(e);
      }
    }
    for (const RecordedEvent& e : page) {
      if (!visitor(e)) break;
    }
    return cursor;
  }

  Result<StreamInfo> do_stream_info(std::string_view name) override {
    std::shared_lock lock(mutex_);
    auto it = streams_.find(name);
    StreamInfo info;
    info.stream = std::string(name);
    if (it == streams_.end()) return info;
    return info_of(it->first, it->second);
  }

  Result<Position> do_head_position() override {
    std::shared_lock lock(mutex_);
    return log_.empty() ? Position::start() : log_.back().position;
  }

  Result<std::vector<StreamInfo>> do_list_streams(const ListStreamsOptions& options) override {
    std::shared_lock lock(mutex_);
    std::vector<StreamInfo> out;
    auto it = options.after.empty() ? streams_.begin() : streams_.upper_bound(options.after);
    for (; it != streams_.end() && out.size() < options.max_count; ++it) {
      if (!it->first.starts_with(options.prefix)) {
        if (it->first > options.prefix) break;
        continue;
      }
      out.push_back(info_of(it->first, it->second));
    }
    return out;
  }

  Result<StoreStats> do_stats() override {
    std::shared_lock lock(mutex_);
    StoreStats stats;
    stats.backend = "memory";
    stats.events = log_.size();
    for (const auto& [name, stream] : streams_) stats.count(detail::state_of(stream.row));
    if (!log_.empty()) {
      stats.first_recorded_at = log_.front().recorded_at;
      stats.last_recorded_at = log_.back().recorded_at;
    }
    return stats;
  }

  Status do_delete_stream(std::string_view name, ExpectedVersion expected,
                          bool tombstone) override {
    std::unique_lock lock(mutex_);
    const detail::StreamRow row = row_of(name);
    if (row.tombstoned) {
      return tombstone ? Status::ok()
                       : Status::stream_deleted("stream '" + std::string(name) + "' is tombstoned");
    }
    if (!row.exists && !tombstone) {
      return Status::not_found("stream '" + std::string(name) + "' does not exist");
    }
    ES_RETURN_IF_ERROR(detail::check_delete_expected(name, row, expected));
    MemoryStream& stream = streams_[std::string(name)];
    if (tombstone)
      stream.row.tombstoned = true;
    else
      stream.row.truncate_before = stream.row.version + 1;
    stream.updated_at = now();
    if (!row.exists) stream.created_at = stream.updated_at;
    return Status::ok();
  }

  Status do_set_retention(std::string_view name, const Retention& retention) override {
    std::unique_lock lock(mutex_);
    auto it = streams_.find(name);
    if (it != streams_.end() && it->second.row.tombstoned) {
      return Status::stream_deleted("stream '" + std::string(name) + "' is tombstoned");
    }
    if (it == streams_.end() || !it->second.row.exists) {
      return Status::not_found("stream '" + std::string(name) + "' does not exist");
    }
    it->second.retention = retention;
    it->second.row.truncate_before =
        std::max(it->second.row.truncate_before, retention.truncate_before);
    return Status::ok();
  }

  Status do_scan_chain(std::string_view name, detail::ChainScan& scan) override {
    std::shared_lock lock(mutex_);
    auto scan_stream = [&](const std::string& stream_name, const MemoryStream& stream) {
      scan.head(
          stream_name, stream.row.version,
          stream.row.version == 0 ? std::string_view() : detail::as_bytes(stream.row.last_hash));
      for (const std::size_t i : stream.events) {
        scan.event(detail::chain_fields(log_[i]), detail::as_bytes(hashes_[i]));
      }
    };
    if (name.empty()) {
      for (const auto& [stream_name, stream] : streams_) scan_stream(stream_name, stream);
    } else if (auto it = streams_.find(name); it != streams_.end()) {
      scan_stream(it->first, it->second);
    }
    return Status::ok();
  }

 private:
  detail::StreamRow row_of(std::string_view name) const {
    auto it = streams_.find(name);
    return it == streams_.end() ? detail::StreamRow{} : it->second.row;
  }

  static StreamInfo info_of(const std::string& name, const MemoryStream& stream) {
    StreamInfo info;
    info.stream = name;
    info.state = detail::state_of(stream.row);
    info.version = stream.row.version;
    info.tenant = stream.row.tenant;
    info.retention = stream.retention;
    info.deleted_before = stream.row.truncate_before;
    info.created_at = stream.created_at;
    info.updated_at = stream.updated_at;
    return info;
  }

  std::shared_mutex mutex_;
  std::vector<RecordedEvent> log_;
  std::vector<detail::ChainHash> hashes_;  // the chain hash of each event of log_
  std::map<std::string, MemoryStream, std::less<>> streams_;
  std::unordered_map<Uuid, std::size_t, UuidHash> ids_;
  Timestamp last_recorded_at_;
};

}  // namespace

std::unique_ptr<EventStore> make_memory_store(Limits limits) {
  return std::make_unique<MemoryStore>(limits);
}

}  // namespace es
