// AggregateTraits: one view of both aggregate styles for the repository — how to make an empty
// root, fold an event into it, read its version and serialise its state for snapshots.
//
// For an imperative Aggregate the root is the aggregate object itself. For a Decider it is
// DeciderRoot<D>: the decider's state plus the stream coordinates the repository tracks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "es/domain/aggregate.h"

namespace es {

template <Decider D>
struct DeciderRoot {
  std::string id;
  typename D::State state = D::initial();
  std::int64_t version = 0;  // the stream version `state` includes
};

template <typename A>
struct AggregateTraits;

template <ImperativeAggregate A>
struct AggregateTraits<A> {
  using Root = A;
  using EventVariant = typename A::EventVariant;
  static constexpr std::string_view kCategory = A::kCategory;

  static Root make(std::string id) {
    Root root;
    detail::AggregateAccess::set_id(root, std::move(id));
    return root;
  }
  static void evolve(Root& root, const EventVariant& event) {
    detail::AggregateAccess::replay(root, event);
  }
  static std::int64_t version(const Root& root) { return root.persisted_version(); }
  static void set_version(Root& root, std::int64_t version) {
    detail::AggregateAccess::set_version(root, version);
  }
  static const std::string& id(const Root& root) { return root.id(); }
  // The object whose reflected members make up a snapshot.
  static Root& state(Root& root) { return root; }
  static const Root& state(const Root& root) { return root; }
};

template <Decider D>
struct AggregateTraits<D> {
  using Root = DeciderRoot<D>;
  using EventVariant = typename D::EventVariant;
  static constexpr std::string_view kCategory = D::kCategory;

  static Root make(std::string id) { return Root{std::move(id)}; }
  static void evolve(Root& root, const EventVariant& event) {
    root.state = D::evolve(std::move(root.state), event);
  }
  static std::int64_t version(const Root& root) { return root.version; }
  static void set_version(Root& root, std::int64_t version) { root.version = version; }
  static const std::string& id(const Root& root) { return root.id; }
  static typename D::State& state(Root& root) { return root.state; }
  static const typename D::State& state(const Root& root) { return root.state; }
};

// The stream of an aggregate: "<category>-<id>".
template <typename A>
std::string stream_of(std::string_view id) {
  std::string stream(AggregateTraits<A>::kCategory);
  stream += '-';
  stream += id;
  return stream;
}

}  // namespace es
