// The workload families of BENCHMARKS.md, internal to the runner. Each prints its JSON line(s) to
// ctx.out and returns a non-ok status only when it could not run at all; a failed append or a
// wrong read-back is reported as "verified":false instead.
#pragma once

#include "es/core/status.h"
#include "run_context.h"

namespace es::bench {

// write_workloads.cc
Status run_w1(RunContext& ctx);   // single appends round-robin over 1,000 streams
Status run_w2(RunContext& ctx);   // batches of 100 to 2,000 new streams
Status run_w5(RunContext& ctx);   // 4 and 16 concurrent writer threads
Status run_w5c(RunContext& ctx);  // two writers racing on one stream, and the sequential checks

// encryption_workload.cc
Status run_w2e(RunContext& ctx);  // W2 plain and encrypted (2 fields), in the same run

// read_workloads.cc
Status run_w3(RunContext& ctx);  // load and fold one 10,000-event stream, 10 times
Status run_w4(RunContext& ctx);  // read the whole store in global order, pages of 1,000

// snapshot_workload.cc
Status run_w3s(RunContext& ctx);  // loads with snapshots: 10,000 vs 1,000,000 events

// projection_workloads.cc
Status run_w6(RunContext& ctx);  // exactly-once catch-up of the whole store into a read model

// latency_workload.cc
Status run_w7(RunContext& ctx);  // append -> handler latency, in process and across processes

// verify_workload.cc
Status run_wv(RunContext& ctx);  // verify the hash chain of a 1,000,000-event store

}  // namespace es::bench
