#include "sqlite/raw_sqlite.h"

#include <sqlite3.h>

#include <stdexcept>

namespace es::testing {

std::vector<std::string> sqlite_query(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    const std::string error = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error("open " + path + ": " + error);
  }
  sqlite3_busy_timeout(db, 10'000);
  std::vector<std::string> rows;
  const char* tail = sql.c_str();
  while (*tail != '\0') {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, tail, -1, &stmt, &tail) != SQLITE_OK) {
      const std::string error = sqlite3_errmsg(db);
      sqlite3_close(db);
      throw std::runtime_error(sql + ": " + error);
    }
    if (stmt == nullptr) break;  // trailing whitespace
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      rows.emplace_back(text ? text : "NULL");
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) {
      const std::string error = sqlite3_errmsg(db);
      sqlite3_close(db);
      throw std::runtime_error(sql + ": " + error);
    }
  }
  sqlite3_close(db);
  return rows;
}

std::string integrity_check(const std::string& path) {
  std::string out;
  for (const std::string& row : sqlite_query(path, "PRAGMA integrity_check")) {
    out += (out.empty() ? "" : "; ") + row;
  }
  return out;
}

}  // namespace es::testing
