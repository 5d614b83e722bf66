// CommandContext: who and what caused the events a command raises. The repository writes it into
// every event's metadata — correlation_id (the whole conversation), causation_id (the command or
// event that directly caused this one), actor and the W3C traceparent — so any event can be traced
// back to the request that produced it.
//
// Thread safety: a plain value type.
//
//   es::CommandContext ctx{.actor = "alice", .traceparent = request.header("traceparent")};
//   accounts.execute("42", withdraw_500, ctx);
//   // Reacting to an event: keep its correlation, name it as the cause.
//   auto next = es::CommandContext::caused_by(event);
#pragma once

#include <string>

#include "es/store/event.h"

namespace es {

struct CommandContext {
  // Id of the command; a fresh UUID v7 when empty. It is the causation_id of the events it
  // raises unless causation_id is set.
  std::string command_id;
  // The conversation this command belongs to; the command id when empty (a new conversation).
  std::string correlation_id;
  std::string causation_id;
  std::string actor;
  std::string traceparent;
  // The tenant the aggregate's stream belongs to (see AppendRequest::tenant).
  std::string tenant;

  // The context of a command issued in reaction to `event`: same correlation (the event's own,
  // or its id), causation = the event's id, same tenant and traceparent.
  static CommandContext caused_by(const RecordedEvent& event);

  // The metadata JSON object of the events this command raises; fills in the defaults.
  [[nodiscard]] std::string metadata() const;
};

}  // namespace es
