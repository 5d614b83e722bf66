// The key store in its own SQLite file (docs/security.md "Key store"): WAL, synchronous=FULL and
// secure_delete, so shredded key material is overwritten in the file, and a checkpoint after
// every shred or rotation so it does not stay behind in the WAL either.
#include <fmt/format.h>

#include <functional>
#include <vector>

#include "es/core/time.h"
#include "es/store/key_store.h"
#include "store/sqlite/connection.h"

namespace es {
namespace {

using sqlite::Connection;
using sqlite::Statement;

constexpr int kBusyTimeoutMs = 10000;

constexpr std::string_view kSchema = R"(
CREATE TABLE IF NOT EXISTS es_key_meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS es_keys(
  key_id TEXT PRIMARY KEY,
  subject TEXT UNIQUE,      -- NULL once shredded
  nonce BLOB,               -- NULL once shredded
  wrapped BLOB,             -- NULL once shredded
  shredded_at INTEGER);     -- unix microseconds
)";

std::string text_of(std::string_view view) { return std::string(view); }

// Runs `body` inside BEGIN IMMEDIATE … COMMIT, rolling back when it fails.
Status in_transaction(Connection& conn, const std::function<Status()>& body) {
  ES_RETURN_IF_ERROR(conn.begin_write());
  const sqlite::RollbackGuard guard(conn.get());
  Status status = body();
  return status.is_ok() ? conn.exec("COMMIT") : status;
}

class SqliteKeyStore final : public KeyStore {
 public:
  SqliteKeyStore(const MasterKey& master, Connection conn)
      : KeyStore(master), conn_(std::move(conn)) {}

  Status init(const std::string& path, const MasterKey& master) {
    ES_RETURN_IF_ERROR(
        conn_.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;"));
    return in_transaction(conn_, [&]() -> Status {
      ES_RETURN_IF_ERROR(conn_.exec(kSchema));
      auto stmt = conn_.prepare("SELECT value FROM es_key_meta WHERE name = 'master'");
      if (!stmt) return stmt.error();
      if (stmt->step() == SQLITE_ROW) {
        const std::string stored = text_of(stmt->column_text(0));
        if (stored != master.fingerprint()) {
          return Status::permission_denied(fmt::format(
              "key store '{}' is wrapped by master key {}, not by the given master key {}", path,
              stored, master.fingerprint()));
        }
        return Status::ok();
      }
      return set_master(master.fingerprint());
    });
  }

 protected:
  Result<std::optional<WrappedKey>> do_find_subject(std::string_view subject) override {
    return find("SELECT key_id, subject, nonce, wrapped FROM es_keys WHERE subject = ?", subject);
  }

  Result<std::optional<WrappedKey>> do_find_id(std::string_view key_id) override {
    return find("SELECT key_id, subject, nonce, wrapped FROM es_keys WHERE key_id = ?", key_id);
  }

  Result<WrappedKey> do_insert(const WrappedKey& key) override {
    auto stmt = conn_.prepare(
        "INSERT INTO es_keys(key_id, subject, nonce, wrapped) VALUES(?, ?, ?, ?) "
        "ON CONFLICT(subject) DO NOTHING");
    if (!stmt) return stmt.error();
    stmt->bind(1, key.key_id);
    stmt->bind(2, key.subject);
    stmt->bind_blob(3, key.nonce.data(), key.nonce.size());
    stmt->bind_blob(4, key.wrapped.data(), key.wrapped.size());
    ES_RETURN_IF_ERROR(stmt->run("store a data key"));
    auto stored = do_find_subject(key.subject);
    if (!stored) return stored.error();
    if (!*stored) return Status::internal("a stored data key vanished");
    return std::move(**stored);
  }

  Status do_shred(std::string_view subject) override {
    ES_RETURN_IF_ERROR(in_transaction(conn_, [&]() -> Status {
      auto stmt = conn_.prepare(
          "UPDATE es_keys SET subject = NULL, nonce = NULL, wrapped = NULL, shredded_at = ? "
          "WHERE subject = ?");
      if (!stmt) return stmt.error();
      stmt->bind(1, to_unix_micros(now()));
      stmt->bind(2, subject);
      ES_RETURN_IF_ERROR(stmt->run("shred a data key"));
      if (sqlite3_changes(conn_.get()) == 0) {
        return Status::not_found("no data key for subject '" + std::string(subject) + "'");
      }
      return Status::ok();
    }));
    return checkpoint();
  }

  Status do_rewrap(const Rewrap& rewrap, std::string_view fingerprint) override {
    ES_RETURN_IF_ERROR(in_transaction(conn_, [&]() -> Status {
      std::vector<WrappedKey> live;
      {
        auto stmt = conn_.prepare(
            "SELECT key_id, subject, nonce, wrapped FROM es_keys WHERE wrapped IS NOT NULL");
        if (!stmt) return stmt.error();
        int rc = 0;
        while ((rc = stmt->step()) == SQLITE_ROW) live.push_back(row_of(*stmt));
        if (rc != SQLITE_DONE) return sqlite::error_status(conn_.get(), rc, "read data keys");
      }
      auto update = conn_.prepare("UPDATE es_keys SET nonce = ?, wrapped = ? WHERE key_id = ?");
      if (!update) return update.error();
      for (const WrappedKey& old : live) {
        auto next = rewrap(old);
        if (!next) return next.error();
        update->bind_blob(1, next->nonce.data(), next->nonce.size());
        update->bind_blob(2, next->wrapped.data(), next->wrapped.size());
        update->bind(3, next->key_id);
        ES_RETURN_IF_ERROR(update->run("re-wrap a data key"));
      }
      return set_master(fingerprint);
    }));
    return checkpoint();
  }

 private:
  static WrappedKey row_of(const Statement& stmt) {
    return {.key_id = text_of(stmt.column_text(0)),
            .subject = text_of(stmt.column_text(1)),
            .nonce = text_of(stmt.column_blob(2)),
            .wrapped = text_of(stmt.column_blob(3))};
  }

  Result<std::optional<WrappedKey>> find(std::string_view sql, std::string_view key) {
    auto stmt = conn_.prepare(sql);
    if (!stmt) return stmt.error();
    stmt->bind(1, key);
    const int rc = stmt->step();
    if (rc == SQLITE_DONE) return std::optional<WrappedKey>();
    if (rc != SQLITE_ROW) return sqlite::error_status(conn_.get(), rc, "read a data key");
    return std::optional<WrappedKey>(row_of(*stmt));
  }

  Status set_master(std::string_view fingerprint) {
    auto stmt = conn_.prepare(
        "INSERT INTO es_key_meta(name, value) VALUES('master', ?) "
        "ON CONFLICT(name) DO UPDATE SET value = excluded.value");
    if (!stmt) return stmt.error();
    stmt->bind(1, fingerprint);
    return stmt->run("record the master key's fingerprint");
  }

  // Copies the WAL into the file and truncates it, so old pages holding key material are gone
  // from the WAL; kUnavailable when a reader in another process kept it from completing.
  Status checkpoint() {
    auto stmt = conn_.prepare("PRAGMA wal_checkpoint(TRUNCATE)");
    if (!stmt) return stmt.error();
    const int rc = stmt->step();
    if (rc != SQLITE_ROW) return sqlite::error_status(conn_.get(), rc, "checkpoint the WAL");
    if (stmt->column_int(0) != 0) {
      return Status::unavailable(
          "the key is destroyed, but another process reading the key store kept its WAL from "
          "being truncated: old pages stay in the -wal file until the next checkpoint");
    }
    return Status::ok();
  }

  Connection conn_;
};

}  // namespace

Result<std::unique_ptr<KeyStore>> open_sqlite_key_store(const std::string& path,
                                                        const MasterKey& master) {
  auto conn = Connection::open(path, false, kBusyTimeoutMs);
  if (!conn) return conn.error();
  auto store = std::make_unique<SqliteKeyStore>(master, std::move(*conn));
  ES_RETURN_IF_ERROR(store->init(path, master));
  return std::unique_ptr<KeyStore>(std::move(store));
}

}  // namespace es
