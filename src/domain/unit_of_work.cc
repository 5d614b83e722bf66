#include "es/domain/unit_of_work.h"

#include <utility>

#include "es/core/uuid.h"

namespace es {

UnitOfWork::UnitOfWork(EventStore& store, CommandContext context)
    : store_(store), context_(std::move(context)) {
  // One command id for the whole unit, so every event names the same cause.
  if (context_.command_id.empty()) context_.command_id = Uuid::v7().to_string();
  metadata_ = context_.metadata();
}

void UnitOfWork::add(std::string stream, ExpectedVersion expected, std::vector<EventData> events,
                     std::function<void(const AppendResult&)> committed) {
  if (events.empty()) return;
  staged_.push_back({std::move(stream), expected, std::move(events), std::move(committed)});
}

Status UnitOfWork::commit() {
  if (done_) return Status::invalid_argument("this unit of work was committed already");
  done_ = true;
  if (staged_.empty()) return Status::ok();
  std::vector<AppendRequest> requests;
  requests.reserve(staged_.size());
  for (const Staged& s : staged_) {
    requests.push_back({s.stream, s.expected, s.events, context_.tenant});
  }
  auto results = store_.append(requests);
  if (!results) return results.error();
  for (std::size_t i = 0; i < staged_.size(); ++i) {
    if (staged_[i].committed) staged_[i].committed((*results)[i]);
  }
  return Status::ok();
}

}  // namespace es
