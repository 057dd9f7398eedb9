-- wrk script for bench/scale.py: creates exactly LK_COUNT connectors or secrets (LK_KIND) through
-- the API, item i on thread i % threads, with the bodies scale.py's queries expect. A thread that
-- has sent its share asks /health instead (a connection may still be waiting for its turn);
-- when its share has answered it prints "done" so scale.py can stop the clock and wrk.
local threads_made = 0

function setup(thread)
  thread:set("tid", threads_made)
  threads_made = threads_made + 1
end

function init(args)
  kind = os.getenv("LK_KIND")
  count = tonumber(os.getenv("LK_COUNT"))
  stride = tonumber(os.getenv("LK_THREADS"))
  token = os.getenv("LK_TOKEN")
  next_index = tid
  answered, failed, reported = 0, 0, false
  -- wrk calls the first thread's request() once more before it connects, to check the script
  -- makes one request per call; that call must not use up an item.
  verify_call_pending = tid == 0
  share = 0
  for i = tid, count - 1, stride do share = share + 1 end
  headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
end

local envs = {"prod", "dev", "test"}

local function body(i)
  local nonce = string.format("%08x", math.random(0, 0x7fffffff))
  if kind == "connectors" then
    return string.format('{"name":"c%06d","connector_type":"docker","auth_method":"password",' ..
      '"configuration":{"registry":"registry-%d.example:5000","username":"bench"},' ..
      '"secrets":{"password":"pw-%d-%s"},"labels":{"team":"t%d","env":"%s"},"verify":false}',
      i, i % 997, i, nonce, i % 500, envs[i % 3 + 1])
  end
  return string.format('{"name":"s%06d","values":{"token":"tok-%d-%s"}}', i, i, nonce)
end

function request()
  if verify_call_pending then
    verify_call_pending = false
    return wrk.format("GET", "/health")
  end
  if next_index >= count then return wrk.format("GET", "/health") end
  local i = next_index
  next_index = next_index + stride
  local path = kind == "connectors" and "/api/v1/service_connectors" or "/api/v1/secrets"
  return wrk.format("POST", path, headers, body(i))
end

function response(status, headers, body)
  if status == 201 then
    answered = answered + 1
  elseif status ~= 200 then
    failed = failed + 1
    if failed == 1 then io.write("failed " .. status .. " " .. body:sub(1, 200) .. "\n") end
  end
  if not reported and answered + failed >= share then
    reported = true
    io.write(string.format("done %d %d\n", answered, failed))
    io.flush()
  end
end
