// Aggregate: the imperative style of aggregate root. Command methods check invariants and
// raise(event); apply(event) overloads fold events into state — both when a command raises one
// and when the repository replays history. An aggregate that lacks an apply() overload for one
// of its events does not compile.
//
// Thread safety: an aggregate object is not thread-safe; load one per command.
//
//   class Account : public es::Aggregate<Account, AccountOpened, MoneyDeposited> {
//    public:
//     static constexpr std::string_view kCategory = "account";
//     es::Status deposit(std::int64_t cents) { raise(MoneyDeposited{cents}); return
//     es::Status::ok(); } void apply(const AccountOpened&) { open_ = true; } void apply(const
//     MoneyDeposited& e) { balance_ += e.cents; }
//    ...
//   };
#pragma once

#include <concepts>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "es/core/result.h"
#include "es/domain/event.h"

namespace es {

namespace detail {
struct AggregateAccess;
}  // namespace detail

// The tag every imperative aggregate derives from, through Aggregate.
struct AggregateBase {};

template <typename Derived, typename E>
concept AppliesEvent = requires(Derived& d, const E& e) {
  d.apply(e);
};

template <typename Derived, Event... Es>
class Aggregate : public AggregateBase {
 public:
  using EventVariant = std::variant<Es...>;

  // The id within the category; the stream is "<kCategory>-<id>".
  [[nodiscard]] const std::string& id() const { return id_; }
  // Events applied so far, uncommitted ones included: the version the stream will have after a
  // save.
  [[nodiscard]] std::int64_t version() const { return version_; }
  // The stream version this object was loaded at (or last saved at).
  [[nodiscard]] std::int64_t persisted_version() const {
    return version_ - static_cast<std::int64_t>(uncommitted_.size());
  }
  // Events raised since the last load or save, oldest first.
  [[nodiscard]] std::span<const EventVariant> uncommitted() const { return uncommitted_; }

 protected:
  // Checked here, where Derived is complete, so a missing apply() fails every aggregate that is
  // ever constructed, whether or not anything replays it yet.
  Aggregate() {
    static_assert((AppliesEvent<Derived, Es> && ...),
                  "the aggregate has no apply() for one of its events");
  }

  // Applies `event` to the state and records it for the next save.
  template <typename E>
  void raise(E event) {
    static_assert((std::is_same_v<E, Es> || ...),
                  "raise() of an event not listed in the Aggregate");
    apply_event(event);
    uncommitted_.emplace_back(std::move(event));
  }

 private:
  friend struct detail::AggregateAccess;

  template <typename E>
  void apply_event(const E& event) {
    static_assert(AppliesEvent<Derived, E>, "the aggregate has no apply() for one of its events");
    static_cast<Derived&>(*this).apply(event);
    ++version_;
  }

  void apply_variant(const EventVariant& event) {
    std::visit([this](const auto& e) { this->apply_event(e); }, event);
  }

  std::string id_;
  std::int64_t version_ = 0;
  std::vector<EventVariant> uncommitted_;
};

namespace detail {

// What the repository may do to an aggregate that its users may not.
struct AggregateAccess {
  template <typename A>
  static void set_id(A& a, std::string&& id) {
    a.id_ = std::move(id);
  }
  template <typename A>
  static void replay(A& a, const typename A::EventVariant& event) {
    a.apply_variant(event);
  }
  template <typename A>
  static void set_version(A& a, std::int64_t version) {
    a.version_ = version;
  }
  template <typename A>
  static void mark_committed(A& a) {
    a.uncommitted_.clear();
  }
};

}  // namespace detail

// An imperative aggregate: derives from es::Aggregate and names its category.
template <typename A>
concept ImperativeAggregate = std::derived_from<A, AggregateBase> && requires {
  typename A::EventVariant;
  { A::kCategory } -> std::convertible_to<std::string_view>;
} && std::is_default_constructible_v<A>;

// A functional decider (Emmett style): pure functions over an immutable state.
//   struct Cart {
//     using State = CartState; using EventVariant = std::variant<...>; using Command =
//     std::variant<...>; static constexpr std::string_view kCategory = "cart"; static State
//     initial(); static State evolve(State state, const EventVariant& event); static
//     es::Result<std::vector<EventVariant>> decide(const Command& command, const State& state);
//   };
template <typename D>
concept Decider = requires(typename D::State s, const typename D::EventVariant& e,
                           const typename D::Command& c) {
  { D::kCategory } -> std::convertible_to<std::string_view>;
  { D::initial() } -> std::same_as<typename D::State>;
  { D::evolve(std::move(s), e) } -> std::same_as<typename D::State>;
  D::decide(c, s);
};

}  // namespace es
