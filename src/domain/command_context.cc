#include "es/domain/command_context.h"

#include <string_view>

#include "es/core/uuid.h"
#include "es/domain/json_reader.h"

namespace es {
namespace {

// The string member `key` of a metadata object, or "" when absent or not a string.
std::string metadata_string(std::string_view metadata, std::string_view key) {
  JsonReader reader(metadata);
  std::string_view k;
  std::string value;
  if (!reader.begin_object()) return {};
  while (reader.next_key(k)) {
    if (k == key && reader.read(value)) return value;
    if (!reader.ok() || !reader.skip()) return {};
  }
  return {};
}

}  // namespace

CommandContext CommandContext::caused_by(const RecordedEvent& event) {
  CommandContext ctx;
  const std::string id = event.id.to_string();
  ctx.correlation_id = metadata_string(event.metadata, "correlation_id");
  if (ctx.correlation_id.empty()) ctx.correlation_id = id;
  ctx.causation_id = id;
  ctx.traceparent = metadata_string(event.metadata, "traceparent");
  ctx.tenant = event.tenant;
  return ctx;
}

std::string CommandContext::metadata() const {
  const std::string command = command_id.empty() ? Uuid::v7().to_string() : command_id;
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("correlation_id");
  w.write(std::string_view(correlation_id.empty() ? command : correlation_id));
  w.comma();
  w.key("causation_id");
  w.write(std::string_view(causation_id.empty() ? command : causation_id));
  for (const auto& [key, value] : {std::pair<std::string_view, const std::string&>{"actor", actor},
                                   {"traceparent", traceparent}}) {
    if (value.empty()) continue;
    w.comma();
    w.key(key);
    w.write(std::string_view(value));
  }
  w.end_object();
  return out;
}

}  // namespace es
