-- wrk script for scripts/http-load.sh: reads of the first 20 events of one of 1,000 streams.
function request()
  return wrk.format("GET", "/api/streams/load-" .. math.random(1, 1000) .. "?limit=20")
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx or failed: %d\n",
                         summary.errors.status + summary.errors.connect + summary.errors.read +
                           summary.errors.write + summary.errors.timeout))
end
