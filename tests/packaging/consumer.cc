// A minimal program built against the library the way a user builds it; it appends one event to
// an in-memory store and reads it back.
#include <es/store/memory_store.h>

#include <cstdio>
#include <vector>

int main() {
  auto store = es::make_memory_store();
  std::vector<es::EventData> events{{.type = "demo.Happened", .data = R"({"n":1})"}};
  auto appended = store->append("demo-1", es::ExpectedVersion::no_stream(), events);
  auto read = store->read_stream("demo-1");
  if (!appended || !read || read->events.size() != 1) return 1;
  std::printf("consumer ok: version %lld\n", static_cast<long long>(appended->last_version));
  return 0;
}
