#include "projection/postgres/session.h"

#include "store/postgres/schema.h"

namespace es::postgres {

Result<std::unique_ptr<Session>> Session::open(const std::string& conninfo,
                                               const PostgresOptions& options) {
  ES_RETURN_IF_ERROR(validate_schema_name(options.schema));
  auto conn = Connection::open(conninfo, options.schema);
  if (!conn) return conn.error();
  ES_RETURN_IF_ERROR(migrate(*conn, options.schema));
  return std::unique_ptr<Session>(new Session(std::move(*conn)));
}

}  // namespace es::postgres
