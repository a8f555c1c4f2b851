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

-- the one result line (done), shared with the other benchmark's script
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "result.lua")
