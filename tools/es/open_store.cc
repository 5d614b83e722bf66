#include "open_store.h"

#include <fmt/format.h>

#include <filesystem>
#include <string_view>
#include <system_error>

#include "es/store/log_tracer.h"
#include "es/store/tenant_store.h"
#include "exit_code.h"

namespace es::cli {

std::string sqlite_file(std::string_view url) {
  std::string_view path = url;
  if (path.starts_with("sqlite:")) path.remove_prefix(7);
  const bool is_file = url != "memory:" && !path.empty() && path.find("://") == path.npos;
  return is_file ? std::string(path) : std::string();
}

Result<MasterKey> master_key(const GlobalOptions& global) {
  if (!global.master_key_file.empty()) return MasterKey::from_file(global.master_key_file);
  auto key = MasterKey::from_env(kMasterKeyVariable);
  if (!key && key.error().code() == StatusCode::kNotFound) {
    return Status::invalid_argument(
        fmt::format("--keys needs a master key: --master-key-file FILE or {}", kMasterKeyVariable));
  }
  return key;
}

Result<std::unique_ptr<KeyStore>> open_keys(const GlobalOptions& global, bool create) {
  if (global.keys.empty()) return Status::invalid_argument("--keys PATH: the key store is needed");
  std::error_code ec;
  if (!create && !std::filesystem::exists(global.keys, ec)) {
    return Status::not_found(fmt::format("key store '{}' does not exist", global.keys));
  }
  auto master = master_key(global);
  if (!master) return master.error();
  return open_sqlite_key_store(global.keys, *master);
}

Result<EncryptionPolicy> parse_policy(const std::vector<std::string>& specs) {
  EncryptionPolicy policy;
  for (const std::string& spec : specs) {
    const auto equals = spec.find('=');
    if (equals == 0 || equals == spec.npos || equals + 1 == spec.size()) {
      return Status::invalid_argument(
          fmt::format("--encrypt '{}': expected TYPE=FIELD[,FIELD...][@SUBJECT_FIELD]", spec));
    }
    std::string_view rest = std::string_view(spec).substr(equals + 1);
    EncryptedType rule;
    if (const auto at = rest.find('@'); at != rest.npos) {
      rule.subject_field = std::string(rest.substr(at + 1));
      rest = rest.substr(0, at);
    }
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      if (comma != 0) rule.fields.emplace_back(rest.substr(0, comma));
      rest = comma == rest.npos ? std::string_view() : rest.substr(comma + 1);
    }
    if (!policy.types.emplace(spec.substr(0, equals), std::move(rule)).second) {
      return Status::invalid_argument(
          fmt::format("--encrypt: type '{}' is given twice", spec.substr(0, equals)));
    }
  }
  return policy;
}

namespace {

// `store` behind an encrypting handle when --keys is given, else `store` itself.
Result<std::unique_ptr<EventStore>> with_encryption(const GlobalOptions& global,
                                                    std::unique_ptr<EventStore> store,
                                                    bool create_keys) {
  if (global.keys.empty()) {
    if (global.encrypt.empty()) return store;
    return Status::invalid_argument("--encrypt needs --keys PATH (the key store)");
  }
  auto policy = parse_policy(global.encrypt);
  if (!policy) return policy.error();
  auto keys = open_keys(global, create_keys);
  if (!keys) return keys.error();
  return encrypt_store(std::move(store), std::move(*keys), std::move(*policy));
}

}  // namespace

Result<std::unique_ptr<EventStore>> open_store(const GlobalOptions& global, Access access,
                                               const OpenOptions& options) {
  const std::string path = sqlite_file(global.db);
  std::error_code ec;
  if (access == Access::kRead && !path.empty() && !std::filesystem::exists(path, ec)) {
    return Status::not_found(fmt::format("database '{}' does not exist", path));
  }
  auto store = open(global.db, options);
  if (store && !global.tenant.empty()) store = scope_to_tenant(std::move(*store), global.tenant);
  if (!store) return store;
  store = with_encryption(global, std::move(*store), access == Access::kWrite);
  if (!store || global.trace_log.empty()) return store;
  auto tracer = LogTracer::open(global.trace_log);
  if (!tracer) return tracer.error();
  return trace_store(std::move(*store), std::move(*tracer));
}

bool is_postgres_url(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

namespace {

// Calls the opener of --db's backend: `sqlite(path)` or `postgres(url)`.
template <typename Store, typename Sqlite, typename Postgres>
Result<std::unique_ptr<Store>> open_beside_store(const GlobalOptions& global,
                                                 std::string_view command, Sqlite sqlite,
                                                 Postgres postgres) {
  const std::string path = sqlite_file(global.db);
  if (path.empty() && !is_postgres_url(global.db)) {
    return Status::invalid_argument(fmt::format(
        "{} needs a SQLite store file or a PostgreSQL URL (--db); memory: keeps checkpoints and "
        "dead letters only inside the process that made them",
        command));
  }
  // Opening the store first checks that it exists, as every read command does.
  auto store = open_store(global, Access::kRead);
  if (!store) return store.error();
  return path.empty() ? postgres(global.db) : sqlite(path);
}

}  // namespace

Result<std::unique_ptr<CheckpointStore>> open_checkpoints(const GlobalOptions& global,
                                                          std::string_view command) {
  return open_beside_store<CheckpointStore>(
      global, command, [](const std::string& path) { return open_sqlite_checkpoint_store(path); },
      [](const std::string& url) { return open_postgres_checkpoint_store(url); });
}

Result<std::unique_ptr<DeadLetterStore>> open_dead_letters(const GlobalOptions& global,
                                                           std::string_view command) {
  return open_beside_store<DeadLetterStore>(
      global, command, [](const std::string& path) { return open_sqlite_dead_letter_store(path); },
      [](const std::string& url) { return open_postgres_dead_letter_store(url); });
}

int refuse_tenant(const GlobalOptions& global, std::string_view command) {
  if (global.tenant.empty()) return 0;
  return usage_error(fmt::format("{} works on the whole store: run it without --tenant", command));
}

}  // namespace es::cli
