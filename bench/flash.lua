-- wrk script: flash-sale orders for customers 1..N in turn, one unit each. The requests are written once, at
-- start, and no response() callback is defined (wrk would parse every answer into Lua for it), so the load
-- generator costs as little as it can on the machine it shares with the server. Created orders are the 2xx
-- answers: the requests wrk completed less those with an error status (409 sold out or limit reached, 4xx, 5xx).
-- env: FLASH_SALE (id), FLASH_TOKEN (bearer), FLASH_CUSTOMERS (N)
local sale = os.getenv("FLASH_SALE")
local token = os.getenv("FLASH_TOKEN")
local customers = tonumber(os.getenv("FLASH_CUSTOMERS"))
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  reqs = {}
  for c = 1, customers do
    reqs[c] = wrk.format("POST", "/api/v1/flash-sales/" .. sale .. "/orders",
      {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token},
      '{"customer_id":' .. c .. ',"quantity":1}')
  end
  n = id
end

function request()
  n = n + 1
  return reqs[n % customers + 1]
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  local created = summary.requests - e.status
  io.write(string.format('{"bench":"flash_yutang","orders_per_second":%.0f,"created":%d,"not_created":%d,' ..
    '"socket_errors":%d,"seconds":%.1f,"p50_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f}\n', created / secs, created, e.status,
    e.connect + e.read + e.write + e.timeout, secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
