// Test kit: given(events).when(command).then(events | error), for both aggregate styles, with no
// store involved and no dependency on a test framework. Events are compared by their stored
// form (type name and JSON), so they need no operator==.
//
// Thread safety: a scenario is used by one thread.
//
//   EXPECT_TRUE(es::scenario<Account>()
//                   .given({AccountOpened{"ada", 0}, MoneyDeposited{100}})
//                   .when([](Account& a) { return a.withdraw(30); })
//                   .then({MoneyWithdrawn{30}}));
//   EXPECT_TRUE(es::scenario<Cart>().given({}).when(Checkout{}).then_error(es::StatusCode::kRejected));
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "es/domain/aggregate_traits.h"
#include "es/domain/event_set.h"

namespace es {

// The outcome of a scenario: true when it held, else a message saying what differed.
class Verdict {
 public:
  static Verdict pass() { return Verdict(true, {}); }
  static Verdict fail(std::string message) { return Verdict(false, std::move(message)); }
  explicit operator bool() const { return passed_; }
  [[nodiscard]] const std::string& message() const { return message_; }
  friend std::ostream& operator<<(std::ostream& os, const Verdict& v) { return os << v.message_; }

 private:
  Verdict(bool passed, std::string message) : passed_(passed), message_(std::move(message)) {}
  bool passed_;
  std::string message_;
};

template <typename A>
class Scenario {
  using Traits = AggregateTraits<A>;
  using Root = typename Traits::Root;
  using EventVariant = typename Traits::EventVariant;

 public:
  Scenario& given(std::vector<EventVariant> history) {
    history_ = std::move(history);
    return *this;
  }

  // Imperative style: a callable Status(A&) that raises events.
  template <typename Command>
  requires ImperativeAggregate<A> && std::invocable<Command&, Root&> Scenario& when(
      Command command) {
    Root root = replayed();
    Status status = command(root);
    raised_.assign(root.uncommitted().begin(), root.uncommitted().end());
    status_ = std::move(status);
    return *this;
  }

  // Decider style: a command passed to decide().
  template <Decider D = A>
  Scenario& when(const typename D::Command& command) {
    Root root = replayed();
    auto decided = D::decide(command, root.state);
    if (decided) {
      raised_ = std::move(*decided);
      status_ = Status::ok();
    } else {
      raised_.clear();
      status_ = decided.error();
    }
    return *this;
  }

  // The command succeeded and raised exactly `expected`, in order.
  Verdict then(const std::vector<EventVariant>& expected) const {
    if (!status_.is_ok()) return Verdict::fail("expected events, got error " + status_.to_string());
    const std::string want = describe(expected);
    const std::string got = describe(raised_);
    if (want == got) return Verdict::pass();
    return Verdict::fail("expected events " + want + "\n     got events " + got);
  }

  // The command failed with `code` (and, when given, a message containing `text`) and raised
  // nothing.
  Verdict then_error(StatusCode code, std::string_view text = {}) const {
    if (status_.is_ok()) return Verdict::fail("expected an error, got events " + describe(raised_));
    if (status_.code() != code || status_.message().find(text) == std::string_view::npos) {
      return Verdict::fail("expected error " + std::string(status_code_name(code)) + " '" +
                           std::string(text) + "', got " + status_.to_string());
    }
    return Verdict::pass();
  }

 private:
  Root replayed() const {
    Root root = Traits::make("test");
    for (const EventVariant& e : history_) Traits::evolve(root, e);
    Traits::set_version(root, static_cast<std::int64_t>(history_.size()));
    return root;
  }

  static std::string describe(const std::vector<EventVariant>& events) {
    std::string out = "[";
    for (const EventVariant& e : events) {
      const EventData data = EventSet<EventVariant>::encode(e);
      if (out.size() > 1) out += ", ";
      out += data.type + " " + data.data;
    }
    return out + "]";
  }

  std::vector<EventVariant> history_;
  std::vector<EventVariant> raised_;
  Status status_ = Status::internal("when() was not called");
};

template <typename A>
Scenario<A> scenario() {
  return {};
}

}  // namespace es
