-- PUT of a fixed body to one key, optionally pipelined.
--   wrk -t1 -c16 -d10s -s tools/wrk/put.lua http://127.0.0.1:PORT -- <path?query> <bytes> [depth]
-- <path?query>: a presigned PUT (fasts3-loadgen presign --method PUT --path /bucket/key); the
-- presigned form signs UNSIGNED-PAYLOAD, so one signature serves every repetition.
local req

function init(args)
  local path = args[1] or "/"
  local size = tonumber(args[2] or "4096")
  local depth = tonumber(args[3] or "1")
  -- wrk.format adds Content-Length for the body.
  local one = wrk.format("PUT", path, { ["Content-Type"] = "application/octet-stream" }, string.rep("x", size))
  local batch = {}
  for i = 1, depth do
    batch[i] = one
  end
  req = table.concat(batch)
end

function request()
  return req
end
