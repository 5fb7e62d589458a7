-- pipeline.lua: wrk sends 16 requests in one write and waits for all 16 answers.
--
-- wrk counts the requests in what request() returns (it parses them), so its
-- requests/s and latency are per request, not per batch of 16. The batch is
-- built once in init(): request() then costs wrk one Lua call per 16 requests.
local batch

init = function(args)
   local requests = {}
   for i = 1, 16 do
      requests[i] = wrk.format("GET", "/")
   end
   batch = table.concat(requests)
end

request = function()
   return batch
end
