-- GET /tasks/{random id in 1..10000} (bench.sh seeds exactly ids 1..10000, so every request is a 200).
-- wrk.format() with no header table sends wrk.headers, which holds the -H headers (bench.sh --header).
--
-- Also a per-second trace, for the stall check of bench.sh: each thread counts the requests it sends
-- per wall-clock second (os.time()). A connection sends its next request only when the previous
-- response is complete, so this is the completed responses per second, give or take the -c
-- connections' first requests. done() merges the threads' counts and prints one line per second,
-- "trace <unix second> <requests>", after wrk's own output. The first and last seconds are partial.
-- The path is the same on every server the kits measure (peers included), so all use this script.
counts = {}   -- global: done() reads each thread's copy with thread:get("counts")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end

request = function()
  local s = os.time()
  counts[s] = (counts[s] or 0) + 1
  return wrk.format("GET", "/tasks/" .. math.random(1, 10000))
end

function done(summary, latency, requests)
  local total, seconds = {}, {}
  for _, t in ipairs(threads) do
    for s, n in pairs(t:get("counts") or {}) do
      if total[s] == nil then table.insert(seconds, s) end
      total[s] = (total[s] or 0) + n
    end
  end
  table.sort(seconds)
  for _, s in ipairs(seconds) do io.write(string.format("trace %d %d\n", s, total[s])) end
end
