-- wrk script for the write benchmark: POST /api/v1/cases (an identification), each
-- request with a new Idempotency-Key (so each creates a case: durable before the
-- answer), and one result line when wrk is done. BENCH_RUN makes keys unique
-- across runs against the same database.
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local n = 0
local body

function init(args)
  -- a time in the past, as the API requires: ten minutes before the run starts
  body = string.format(
    '{"identified_at":"%s","area":"compton","youth_status":"none","youth":{"age_estimate":15}}',
    os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - 600))
end

function request()
  n = n + 1
  -- wrk.format uses these headers instead of wrk.headers (the -H ones): copy those in
  local h = { ["Content-Type"] = "application/json", ["Idempotency-Key"] = "bench-" .. run .. "-" .. n }
  for k, v in pairs(wrk.headers) do h[k] = v end
  return wrk.format("POST", "/api/v1/cases", h, body)
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
