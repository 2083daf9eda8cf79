-- GET /tasks?after={random 0..9990}&limit=10: keyset paging (ids greater than `after`), the same
-- pages as get_list.lua but an index seek whatever the depth. -H headers are kept (wrk.headers).
function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end

request = function()
  return wrk.format("GET", "/tasks?after=" .. math.random(0, 9990) .. "&limit=10")
end
