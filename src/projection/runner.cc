#include "es/projection/runner.h"

#include "projection/runner_options.h"

namespace es {
namespace detail {

SubscriptionOptions subscription_options(const ProjectionOptions& options, EventFilter filter) {
  SubscriptionOptions out;
  out.filter = std::move(filter);
  out.page_size = options.page_size;
  out.stop_at_head = options.stop_at_head;
  out.group = options.group;
  out.dead_letters = options.dead_letters;
  out.retry = options.retry;
  out.on_caught_up = options.on_caught_up;
  out.on_fell_behind = options.on_fell_behind;
  out.on_progress = options.on_progress;
  return out;
}

Result<std::string> checkpoint_name(const std::string& projection_name,
                                    const ProjectionOptions& options) {
  if (!options.group) return projection_name;
  ES_RETURN_IF_ERROR(options.group->validate());
  return options.group->checkpoint_name(projection_name);
}

Status refuse_group_rebuild(const ProjectionOptions& options) {
  if (!options.group) return Status::ok();
  return Status::invalid_argument(
      "a rebuild replays the whole read model: run it without a consumer group");
}

Status run_to_head(Result<Subscription> subscription) {
  if (!subscription) return subscription.error();
  while (!subscription->wait_stopped(std::chrono::seconds(1))) {
  }
  return subscription->status();
}

}  // namespace detail

Result<Subscription> run_projection(EventStore& store, CheckpointStore& checkpoints,
                                    const Projection<>& projection,
                                    const ProjectionOptions& options) {
  ES_RETURN_IF_ERROR(projection.start());
  SubscriptionOptions subscription = detail::subscription_options(options, projection.filter());
  subscription.name = projection.name();
  subscription.checkpoints = &checkpoints;
  return Subscription::start(store, std::move(subscription), [&projection](const RecordedEvent& e) {
    return projection.handle(e);
  });
}

Status rebuild_projection(EventStore& store, CheckpointStore& checkpoints,
                          const Projection<>& projection, const ProjectionOptions& options) {
  ES_RETURN_IF_ERROR(detail::refuse_group_rebuild(options));
  ES_RETURN_IF_ERROR(checkpoints.remove(projection.name()));
  // The letters belong to the run being replaced: the replay parks again what still fails.
  if (options.dead_letters != nullptr) {
    auto discarded = options.dead_letters->discard(projection.name());
    if (!discarded) return discarded.error();
  }
  ES_RETURN_IF_ERROR(projection.clear());
  ProjectionOptions replay = options;
  replay.stop_at_head = true;
  return detail::run_to_head(run_projection(store, checkpoints, projection, replay));
}

}  // namespace es
