-- Mixed small-object traffic on presigned URLs: 50% GET, 30% stat-like 1-byte ranged GET, 20% PUT.
-- warp's mix has HEAD and DELETE; wrk cannot do either: its parser does not know a response
-- answers a HEAD and waits for Content-Length bytes that never come (measured: 16 req/s, then
-- a hang), and it cannot track which keys a DELETE removed. PUTs overwrite the GET key.
--   wrk -t1 -c64 -d10s -s tools/wrk/mixed.lua http://127.0.0.1:PORT -- <get> <put> <bytes> [depth]
-- <get>/<put>: presigned path?query for the same key, one per method (the method is signed).
local reqs = {}
local n = 0

function init(args)
  local size = tonumber(args[3] or "4096")
  local depth = tonumber(args[4] or "1")
  local get = wrk.format("GET", args[1])
  local head = wrk.format("GET", args[1], { ["Range"] = "bytes=0-0" })
  local put = wrk.format("PUT", args[2], { ["Content-Type"] = "application/octet-stream" }, string.rep("x", size))
  -- A fixed 10-slot pattern (5 GET, 3 HEAD, 2 PUT) instead of math.random per request keeps
  -- the Lua side cheap and the mix exact; batches of <depth> walk through it.
  local pattern = { get, head, get, put, get, head, get, head, get, put }
  for i = 1, #pattern do
    local batch = {}
    for j = 0, depth - 1 do
      batch[#batch + 1] = pattern[((i - 1 + j) % #pattern) + 1]
    end
    reqs[i] = table.concat(batch)
  end
end

function request()
  n = n % #reqs + 1
  return reqs[n]
end
