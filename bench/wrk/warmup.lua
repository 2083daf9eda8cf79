-- Mixed warm-up: rotates GET one / GET list (offset) / GET list (keyset) / POST, so every measured
-- endpoint is JIT-compiled and its statement prepared before the measured runs.
-- -H headers are kept on every request (copied into the POST header table, see post.lua).
local n = 0
local hdrs = {}

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
  for k, v in pairs(wrk.headers) do hdrs[k] = v end
  hdrs["Content-Type"] = "application/json"
end

request = function()
  n = n + 1
  local k = n % 4
  if k == 0 then
    return wrk.format("GET", "/tasks/" .. math.random(1, 10000))
  elseif k == 1 then
    return wrk.format("GET", "/tasks?skip=" .. math.random(0, 9990) .. "&limit=10")
  elseif k == 2 then
    return wrk.format("GET", "/tasks?after=" .. math.random(0, 9990) .. "&limit=10")
  else
    return wrk.format("POST", "/tasks", hdrs, '{"title":"warm","description":"warm-up"}')
  end
end
