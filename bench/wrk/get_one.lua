-- GET /tasks/{random id in 1..10000} (bench.sh seeds exactly ids 1..10000, so every request is a 200).
-- wrk.format() with no header table sends wrk.headers, which holds the -H headers (bench.sh --header).
function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end

request = function()
  return wrk.format("GET", "/tasks/" .. math.random(1, 10000))
end
