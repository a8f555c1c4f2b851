-- wrk script for the read benchmark: GET /api/v1/cases/{id} with an id picked at
-- random from the file named by BENCH_IDS (one id a line), and one result line
-- (requests per second, latency percentiles in ms, error counts) when wrk is done.
-- Used unchanged against safeharbor and against nginx serving the same bodies.
local ids = {}

function init(args)
  for line in io.lines(os.getenv("BENCH_IDS")) do
    if #line > 0 then ids[#ids + 1] = line end
  end
  if #ids == 0 then error("BENCH_IDS has no ids") end
  math.randomseed(tonumber(os.getenv("BENCH_SEED") or "1") + os.time())
end

function request()
  return wrk.format("GET", "/api/v1/cases/" .. ids[math.random(#ids)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
    "bytes=%d non2xx=%d socket_errors=%d timeouts=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3,
    latency.max / 1e3, summary.bytes, e.status, e.connect + e.read + e.write, e.timeout))
end
