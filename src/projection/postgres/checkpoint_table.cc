#include "projection/postgres/checkpoint_table.h"

#include "projection/checkpoint_conflict.h"
#include "projection/stored_position.h"

namespace es::postgres {
namespace {

// Positions are compared in their canonical text form, which is unique per position.
const std::string kLoad = "SELECT position FROM checkpoints WHERE name = $1";
const std::string kInsert =
    "INSERT INTO checkpoints (name, position, updated_at) VALUES ($1, $2, $3) "
    "ON CONFLICT (name) DO NOTHING RETURNING 1";
const std::string kUpdate =
    "UPDATE checkpoints SET position = $2, updated_at = $3 WHERE name = $1 AND position = $4 "
    "RETURNING 1";
const std::string kRemove = "DELETE FROM checkpoints WHERE name = $1";
const std::string kList = "SELECT name, position, updated_at FROM checkpoints ORDER BY name";

Result<Position> parse_stored(std::string_view text) {
  return detail::parse_stored_position("checkpoints", text);
}

}  // namespace

Result<std::optional<Position>> CheckpointTable::load(std::string_view name) {
  Params p;
  auto r = conn_.query(kLoad, p.text(name));
  if (!r) return r.error();
  if (r->rows() == 0) return std::optional<Position>();
  auto position = parse_stored(r->field(0, 0));
  if (!position) return position.error();
  return std::optional<Position>(*position);
}

Status CheckpointTable::save(std::string_view name, const std::optional<Position>& expected,
                             Position next) {
  const std::string next_text = next.to_string();
  const std::string expected_text = expected ? expected->to_string() : std::string();
  Params p;
  p.text(name).text(next_text).timestamptz(now());
  if (expected) p.text(expected_text);
  auto r = conn_.query(expected ? kUpdate : kInsert, p);
  if (!r) return r.error();
  if (r->rows() == 1) return Status::ok();
  auto actual = load(name);
  if (!actual) return actual.error();
  return detail::checkpoint_conflict(name, expected, *actual);
}

Status CheckpointTable::remove(std::string_view name) {
  Params p;
  auto r = conn_.query(kRemove, p.text(name));
  return r ? Status::ok() : r.error();
}

Result<std::vector<Checkpoint>> CheckpointTable::list() {
  Params none;
  auto r = conn_.query(kList, none);
  if (!r) return r.error();
  std::vector<Checkpoint> out;
  for (int i = 0; i < r->rows(); ++i) {
    auto position = parse_stored(r->field(i, 1));
    if (!position) return position.error();
    out.push_back({std::string(r->field(i, 0)), *position, read_timestamptz(r->field(i, 2))});
  }
  return out;
}

}  // namespace es::postgres
