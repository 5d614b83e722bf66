#include "projection/exactly_once.h"

#include "projection/read_model_sink.h"
#include "projection/runner_options.h"

namespace es::detail {
namespace {

// Shared by the subscription's handler (a std::function, so copyable) and nothing else.
struct Running {
  std::unique_ptr<ReadModel> model;
  std::optional<Position> saved;  // the checkpoint as committed: what the next save expects
};

// Runs `body` in one transaction: committed if it returns ok, rolled back otherwise.
template <typename Body>
Status in_transaction(TxImpl& tx, Body&& body) {
  ES_RETURN_IF_ERROR(tx.begin());
  Status status = body();
  if (status.is_ok()) status = tx.status();
  if (status.is_ok()) status = tx.commit();
  if (!status.is_ok()) tx.rollback();
  return status;
}

}  // namespace

Result<Subscription> run_exactly_once(EventStore& store, const OpenReadModel& open,
                                      const Projection<Tx>& projection,
                                      const ProjectionOptions& options) {
  auto name = checkpoint_name(projection.name(), options);
  if (!name) return name.error();
  auto model = open();
  if (!model) return model.error();
  auto r = std::make_shared<Running>();
  r->model = std::move(*model);
  TxImpl& impl = r->model->tx();
  ES_RETURN_IF_ERROR(in_transaction(impl, [&] {
    Tx tx(impl);
    return projection.start(tx);
  }));
  auto saved = r->model->load_checkpoint(*name);
  if (!saved) return saved.error();
  r->saved = *saved;
  SubscriptionOptions subscription = subscription_options(options, projection.filter());
  subscription.from = r->saved.value_or(Position::start());
  if (options.dead_letters != nullptr) {
    auto sink = make_read_model_sink({.owner = r,
                                      .model = r->model.get(),
                                      .saved = &r->saved,
                                      .checkpoint_name = *name,
                                      .handle = [&projection](const RecordedEvent& e, Tx& tx) {
                                        return projection.handle(e, tx);
                                      }});
    return start_with_sink(store, std::move(subscription), *name, std::move(sink));
  }
  return Subscription::start_batched(
      store, std::move(subscription),
      [r, &projection, checkpoint = *name](const Batch& batch) -> Status {
        TxImpl& impl = r->model->tx();
        ES_RETURN_IF_ERROR(in_transaction(impl, [&]() -> Status {
          Tx tx(impl);
          for (const RecordedEvent& e : batch.events) {
            ES_RETURN_IF_ERROR(projection.handle(e, tx));
          }
          return r->model->save_checkpoint(checkpoint, r->saved, batch.next);
        }));
        r->saved = batch.next;
        return Status::ok();
      });
}

Status rebuild_exactly_once(EventStore& store, const OpenReadModel& open,
                            const Projection<Tx>& projection, const ProjectionOptions& options) {
  ES_RETURN_IF_ERROR(refuse_group_rebuild(options));
  {
    auto model = open();
    if (!model) return model.error();
    ReadModel& m = **model;
    ES_RETURN_IF_ERROR(in_transaction(m.tx(), [&]() -> Status {
      Tx tx(m.tx());
      ES_RETURN_IF_ERROR(projection.start(tx));
      ES_RETURN_IF_ERROR(projection.clear(tx));
      // The letters belong to the run being replaced: the replay parks again what still fails.
      auto letters = m.list_letters(projection.name());
      if (!letters) return letters.error();
      for (const DeadLetter& letter : *letters) ES_RETURN_IF_ERROR(m.remove_letter(letter));
      return m.remove_checkpoint(projection.name());
    }));
  }
  ProjectionOptions replay = options;
  replay.stop_at_head = true;
  return run_to_head(run_exactly_once(store, open, projection, replay));
}

}  // namespace es::detail
