-- POST /tasks with a small JSON body (201). The path is set explicitly: the wrk URL has none.
-- Headers given with wrk -H (e.g. Authorization, via bench.sh --header) are kept: wrk.format()
-- drops them when it is passed its own header table, so wrk.headers is copied into that table.
local hdrs = {}
local body = '{"title":"bench task","description":"created by wrk load test"}'

function init(args)
  for k, v in pairs(wrk.headers) do hdrs[k] = v end
  hdrs["Content-Type"] = "application/json"
end

request = function()
  return wrk.format("POST", "/tasks", hdrs, body)
end
