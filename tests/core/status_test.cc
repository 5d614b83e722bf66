#include "es/core/status.h"

#include <gtest/gtest.h>

#include <string>

#include "es/core/result.h"

namespace es {
namespace {

TEST(Status, DefaultIsOkWithEmptyMessage) {
  const Status s;
  EXPECT_TRUE(s.is_ok());
  EXPECT_TRUE(static_cast<bool>(s));
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.conflict(), nullptr);
  EXPECT_EQ(s.to_string(), "ok");
}

TEST(Status, FactoriesSetTheirCodeAndMessage) {
  struct Case {
    Status status;
    StatusCode code;
    std::string_view name;
  };
  const Case cases[] = {
      {Status::invalid_argument("m"), StatusCode::kInvalidArgument, "invalid_argument"},
      {Status::not_found("m"), StatusCode::kNotFound, "not_found"},
      {Status::already_exists("m"), StatusCode::kAlreadyExists, "already_exists"},
      {Status::stream_deleted("m"), StatusCode::kStreamDeleted, "stream_deleted"},
      {Status::permission_denied("m"), StatusCode::kPermissionDenied, "permission_denied"},
      {Status::rejected("m"), StatusCode::kRejected, "rejected"},
      {Status::unavailable("m"), StatusCode::kUnavailable, "unavailable"},
      {Status::integrity("m"), StatusCode::kIntegrity, "integrity"},
      {Status::internal("m"), StatusCode::kInternal, "internal"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.name));
    EXPECT_FALSE(c.status.is_ok());
    EXPECT_FALSE(static_cast<bool>(c.status));
    EXPECT_EQ(c.status.code(), c.code);
    EXPECT_EQ(c.status.message(), "m");
    EXPECT_EQ(status_code_name(c.code), c.name);
    EXPECT_EQ(c.status.to_string(), std::string(c.name) + ": m");
    EXPECT_EQ(c.status.conflict(), nullptr);
  }
}

TEST(Status, ConstructingWithOkCodeGivesOk) {
  const Status s(StatusCode::kOk, "ignored");
  EXPECT_TRUE(s.is_ok());
  EXPECT_EQ(s.message(), "");
}

TEST(Status, ConflictReportsStreamExpectedAndActual) {
  const Status s = Status::conflict({"account-1", "3", 5});
  EXPECT_EQ(s.code(), StatusCode::kConflict);
  ASSERT_NE(s.conflict(), nullptr);
  EXPECT_EQ(s.conflict()->stream, "account-1");
  EXPECT_EQ(s.conflict()->expected, "3");
  EXPECT_EQ(s.conflict()->actual, 5);
  EXPECT_EQ(s.to_string(), "conflict: stream 'account-1' expected version 3, actual 5");
}

TEST(Status, CopiesAreDeepAndKeepTheConflict) {
  const Status original = Status::conflict({"s", "no-stream", 2});
  Status copy(original);
  EXPECT_EQ(copy.code(), StatusCode::kConflict);
  ASSERT_NE(copy.conflict(), nullptr);
  EXPECT_NE(copy.conflict(), original.conflict());
  EXPECT_EQ(copy.conflict()->actual, 2);

  Status assigned = Status::not_found("x");
  assigned = original;
  ASSERT_NE(assigned.conflict(), nullptr);
  EXPECT_EQ(assigned.conflict()->expected, "no-stream");

  assigned = Status::ok();
  EXPECT_TRUE(assigned.is_ok());
  EXPECT_EQ(assigned.conflict(), nullptr);

  Status self = Status::internal("me");
  const Status& alias = self;
  self = alias;
  EXPECT_EQ(self.message(), "me");
}

TEST(Status, MovedFromStatusIsOk) {
  Status from = Status::internal("boom");
  Status to(std::move(from));
  EXPECT_EQ(to.code(), StatusCode::kInternal);
  EXPECT_TRUE(from.is_ok());  // NOLINT(bugprone-use-after-move): the moved-from state is specified
}

TEST(Status, UnknownCodeHasAName) {
  EXPECT_EQ(status_code_name(static_cast<StatusCode>(200)), "unknown");
}

TEST(Result, HoldsAValue) {
  Result<int> r = 42;
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(*r, 42);
  EXPECT_EQ(r.value(), 42);
  EXPECT_TRUE(r.error().is_ok());
  EXPECT_EQ(r.value_or(7), 42);
}

TEST(Result, HoldsAnError) {
  Result<std::string> r = Status::not_found("nothing here");
  EXPECT_FALSE(r.has_value());
  EXPECT_FALSE(static_cast<bool>(r));
  EXPECT_EQ(r.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.error().message(), "nothing here");
  EXPECT_EQ(r.value_or("fallback"), "fallback");
}

TEST(Result, ArrowAndMoveGiveTheValue) {
  Result<std::string> r = std::string("hello");
  EXPECT_EQ(r->size(), 5u);
  const std::string taken = std::move(r).value();
  EXPECT_EQ(taken, "hello");
}

Status fails_then_stops(bool fail, int& reached) {
  ES_RETURN_IF_ERROR(fail ? Status::rejected("no") : Status::ok());
  ++reached;
  return Status::ok();
}

TEST(Result, ReturnIfErrorReturnsOnlyOnFailure) {
  int reached = 0;
  EXPECT_EQ(fails_then_stops(true, reached).code(), StatusCode::kRejected);
  EXPECT_EQ(reached, 0);
  EXPECT_TRUE(fails_then_stops(false, reached).is_ok());
  EXPECT_EQ(reached, 1);
}

}  // namespace
}  // namespace es
