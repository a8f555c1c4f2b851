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

-- the one result line (done), shared with the other benchmark's script
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "result.lua")
