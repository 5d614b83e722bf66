// TempDir: a fresh directory under /tmp for one test, removed with everything in it when the
// object goes away.
//
//   es::testing::TempDir dir;
//   auto store = es::open_sqlite(dir.file("events.db"));
#pragma once

#include <string>
#include <string_view>

namespace es::testing {

class TempDir {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  [[nodiscard]] const std::string& path() const { return path_; }
  // The path of `name` inside the directory (not created).
  [[nodiscard]] std::string file(std::string_view name) const;

 private:
  std::string path_;
};

}  // namespace es::testing
