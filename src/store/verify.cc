// EventStore::verify(): the public entry of the hash-chain check; the backends feed their rows to
// detail::ChainScan through do_scan_chain().
#include "es/store/event_store.h"
#include "store/chain_scan.h"
#include "store/validate.h"

namespace es {

Result<VerifyReport> EventStore::verify(const VerifyOptions& options) {
  if (!options.stream.empty()) {
    ES_RETURN_IF_ERROR(detail::validate_stream_name(options.stream, limits_));
  }
  detail::ChainScan scan(options);
  ES_RETURN_IF_ERROR(do_scan_chain(options.stream, scan));
  return scan.finish();
}

Status EventStore::do_scan_chain(std::string_view /*stream*/, detail::ChainScan& /*scan*/) {
  return Status::internal("this backend does not keep a hash chain to verify");
}

}  // namespace es
