// Opening the store named by --db for one command.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "command.h"
#include "es/core/result.h"
#include "es/projection/checkpoint_store.h"
#include "es/projection/dead_letter_store.h"
#include "es/store/encryption.h"
#include "es/store/event_store.h"
#include "es/store/key_store.h"
#include "es/store/open.h"

namespace es::cli {

enum class Access : std::uint8_t {
  kRead,   // a missing SQLite file is kNotFound: reading never creates a database
  kWrite,  // a missing SQLite file is created
};

// The store of --db (a URL as es::open takes it), scoped to --tenant when one is given, behind an
// encrypting handle when --keys is given (reads decrypt; appends encrypt what --encrypt names),
// and reporting each operation to the log of --trace-log when one is given.
Result<std::unique_ptr<EventStore>> open_store(const GlobalOptions& global, Access access,
                                               const OpenOptions& options = {});

inline constexpr const char* kMasterKeyVariable = "ES_MASTER_KEY";

// The master key of --master-key-file, else of ES_MASTER_KEY.
Result<MasterKey> master_key(const GlobalOptions& global);

// The key store of --keys, opened with master_key(). kNotFound for a missing file unless
// `create`; kInvalidArgument when --keys is not given.
Result<std::unique_ptr<KeyStore>> open_keys(const GlobalOptions& global, bool create);

// The policy of the --encrypt specs, each TYPE=FIELD[,FIELD...][@SUBJECT_FIELD].
Result<EncryptionPolicy> parse_policy(const std::vector<std::string>& specs);

// For a command that has no tenant-scoped form: its usage error when --tenant is given, else 0.
int refuse_tenant(const GlobalOptions& global, std::string_view command);

// The SQLite file `url` names (a path or sqlite:PATH), or empty for another backend (memory:).
std::string sqlite_file(std::string_view url);

// Whether `url` names a PostgreSQL database (postgresql://… or postgres://…).
bool is_postgres_url(std::string_view url);

// The checkpoints or dead letters beside the store of --db: the tables of its SQLite file or of
// its PostgreSQL schema. kInvalidArgument naming `command` for memory:, which keeps them only
// inside the process that made them.
Result<std::unique_ptr<CheckpointStore>> open_checkpoints(const GlobalOptions& global,
                                                          std::string_view command);
Result<std::unique_ptr<DeadLetterStore>> open_dead_letters(const GlobalOptions& global,
                                                           std::string_view command);

}  // namespace es::cli
