-- wrk script for scripts/http-load.sh: single-event appends, each to one of 1,000 streams, over
-- keep-alive connections. Every request carries a fresh event (the store assigns the id).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local body = '{"expected":"any","events":[{"type":"LoadTested","data":{"n":1}}]}'

function request()
  return wrk.format("POST", "/api/streams/load-" .. math.random(1, 1000), nil, body)
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx or failed: %d\n",
                         summary.errors.status + summary.errors.connect + summary.errors.read +
                           summary.errors.write + summary.errors.timeout))
end
