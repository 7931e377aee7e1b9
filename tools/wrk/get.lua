-- GET of one prepared object, optionally pipelined.
--   wrk -t1 -c64 -d10s -s tools/wrk/get.lua http://127.0.0.1:PORT -- <path?query> [depth]
-- <path?query>: a presigned GET (fasts3-loadgen presign --method GET --path /bucket/key), or a
-- plain path for nginx/Kestrel. depth > 1 sends that many requests per write (HTTP/1.1
-- pipelining); wrk counts each response, so requests/sec stays comparable with depth 1.
local req

function init(args)
  local path = args[1] or "/"
  local depth = tonumber(args[2] or "1")
  local one = wrk.format("GET", path)
  local batch = {}
  for i = 1, depth do
    batch[i] = one
  end
  req = table.concat(batch)
end

function request()
  return req
end
