// The shared decision rules of DESIGN §4, tested directly so a backend's conformance failure can
// be told apart from a rule's.
#include "store/append_rules.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace es::detail {
namespace {

StreamRow absent() { return {}; }
StreamRow live(std::int64_t n) { return {.exists = true, .version = n}; }
StreamRow soft_deleted(std::int64_t n) {
  return {.exists = true, .version = n, .truncate_before = n + 1};
}
StreamRow tombstoned(std::int64_t n) { return {.exists = n > 0, .version = n, .tombstoned = true}; }

TEST(AppendRules, StateOfEachRow) {
  EXPECT_EQ(state_of(absent()), StreamState::kAbsent);
  EXPECT_EQ(state_of(live(3)), StreamState::kLive);
  EXPECT_EQ(state_of(soft_deleted(3)), StreamState::kSoftDeleted);
  EXPECT_EQ(state_of(tombstoned(3)), StreamState::kTombstoned);
  EXPECT_EQ(state_of(tombstoned(0)), StreamState::kTombstoned);
  // Retention that hides only some versions leaves the stream live.
  EXPECT_EQ(state_of({.exists = true, .version = 5, .truncate_before = 5}), StreamState::kLive);
}

TEST(AppendRules, ExpectedVersionTable) {
  const auto any = ExpectedVersion::any();
  const auto no_stream = ExpectedVersion::no_stream();
  const auto exists = ExpectedVersion::stream_exists();
  struct Case {
    StreamRow row;
    ExpectedVersion expected;
    StatusCode code;
  };
  const Case cases[] = {
      {absent(), any, StatusCode::kOk},
      {live(3), any, StatusCode::kOk},
      {soft_deleted(3), any, StatusCode::kOk},
      {tombstoned(3), any, StatusCode::kStreamDeleted},
      {absent(), no_stream, StatusCode::kOk},
      {live(3), no_stream, StatusCode::kConflict},
      {soft_deleted(3), no_stream, StatusCode::kOk},
      {tombstoned(3), no_stream, StatusCode::kStreamDeleted},
      {absent(), exists, StatusCode::kConflict},
      {live(3), exists, StatusCode::kOk},
      {soft_deleted(3), exists, StatusCode::kConflict},
      {tombstoned(3), exists, StatusCode::kStreamDeleted},
      {absent(), ExpectedVersion::exact(1), StatusCode::kConflict},
      {live(3), ExpectedVersion::exact(3), StatusCode::kOk},
      {live(3), ExpectedVersion::exact(2), StatusCode::kConflict},
      {live(3), ExpectedVersion::exact(4), StatusCode::kConflict},
      {soft_deleted(3), ExpectedVersion::exact(3), StatusCode::kOk},
      {soft_deleted(3), ExpectedVersion::exact(2), StatusCode::kConflict},
      {tombstoned(3), ExpectedVersion::exact(3), StatusCode::kStreamDeleted},
      {tombstoned(0), ExpectedVersion::exact(0), StatusCode::kStreamDeleted},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(stream_state_name(state_of(c.row))) + " / " + c.expected.to_string());
    const Status s = check_expected("s", c.row, c.expected);
    EXPECT_EQ(s.code(), c.code) << s.to_string();
    if (c.code == StatusCode::kConflict) {
      ASSERT_NE(s.conflict(), nullptr);
      EXPECT_EQ(s.conflict()->stream, "s");
      EXPECT_EQ(s.conflict()->expected, c.expected.to_string());
      EXPECT_EQ(s.conflict()->actual, c.row.version);
    }
  }
}

TEST(AppendRules, DeleteCannotExpectNoStream) {
  EXPECT_EQ(check_delete_expected("s", live(1), ExpectedVersion::no_stream()).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(check_delete_expected("s", live(1), ExpectedVersion::any()).is_ok());
  EXPECT_TRUE(check_delete_expected("s", live(1), ExpectedVersion::exact(1)).is_ok());
  EXPECT_EQ(check_delete_expected("s", live(1), ExpectedVersion::exact(2)).code(),
            StatusCode::kConflict);
}

TEST(AppendRules, TenantOfAnExistingStreamMustMatch) {
  StreamRow row = live(1);
  row.tenant = "t1";
  EXPECT_TRUE(check_tenant("s", row, "t1").is_ok());
  EXPECT_EQ(check_tenant("s", row, "t2").code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(check_tenant("s", row, "").code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(check_tenant("s", absent(), "anyone").is_ok());
}

std::vector<std::optional<StoredPlace>> places(std::string stream, std::int64_t first,
                                               std::size_t count) {
  std::vector<std::optional<StoredPlace>> out;
  for (std::size_t i = 0; i < count; ++i) {
    const auto v = first + static_cast<std::int64_t>(i);
    out.push_back(StoredPlace{stream, v, Position(0, static_cast<std::uint64_t>(100 + v))});
  }
  return out;
}

TEST(AppendRules, ExactReplayReturnsTheOriginalResult) {
  const auto stored = places("s", 4, 2);
  for (const ExpectedVersion e :
       {ExpectedVersion::any(), ExpectedVersion::stream_exists(), ExpectedVersion::exact(3)}) {
    auto r = check_replay("s", live(9), e, stored);
    ASSERT_TRUE(r.has_value()) << e.to_string() << ": " << r.error().to_string();
    EXPECT_EQ(r->first_version, 4);
    EXPECT_EQ(r->last_version, 5);
    EXPECT_EQ(r->first_position, Position(0, 104));
    EXPECT_EQ(r->last_position, Position(0, 105));
  }
  auto from_start = check_replay("s", live(9), ExpectedVersion::no_stream(), places("s", 1, 2));
  ASSERT_TRUE(from_start.has_value());
  EXPECT_EQ(from_start->first_version, 1);
}

TEST(AppendRules, ReplayAtAnotherPlaceIsAlreadyExists) {
  const auto stored = places("s", 4, 2);
  EXPECT_EQ(check_replay("s", live(9), ExpectedVersion::exact(4), stored).error().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(check_replay("s", live(9), ExpectedVersion::no_stream(), stored).error().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(check_replay("other", live(9), ExpectedVersion::any(), stored).error().code(),
            StatusCode::kAlreadyExists);
}

TEST(AppendRules, PartialOrReorderedReplayIsAlreadyExists) {
  auto partial = places("s", 1, 2);
  partial.emplace_back();
  EXPECT_EQ(check_replay("s", live(2), ExpectedVersion::any(), partial).error().code(),
            StatusCode::kAlreadyExists);
  auto reordered = places("s", 1, 2);
  std::swap(reordered[0], reordered[1]);
  EXPECT_EQ(check_replay("s", live(2), ExpectedVersion::any(), reordered).error().code(),
            StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace es::detail
