-- GET /tasks?skip={random 0..9990}&limit=10: offset paging, the deeper the page the more rows
-- PostgreSQL walks and discards. -H headers are kept (no header table passed: wrk.headers is used).
function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end

request = function()
  return wrk.format("GET", "/tasks?skip=" .. math.random(0, 9990) .. "&limit=10")
end
