-- wrk script: flash-sale orders for customers 1..N in turn, one unit each; counts answers by status.
-- env: FLASH_SALE (id), FLASH_TOKEN (bearer), FLASH_CUSTOMERS (N)
local sale = os.getenv("FLASH_SALE")
local token = os.getenv("FLASH_TOKEN")
local customers = tonumber(os.getenv("FLASH_CUSTOMERS"))
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  created, refused, other = 0, 0, 0
  n = id
end

function request()
  n = n + 1
  local body = '{"customer_id":' .. (n % customers + 1) .. ',"quantity":1}'
  return wrk.format("POST", "/api/v1/flash-sales/" .. sale .. "/orders",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1
  elseif status == 409 then refused = refused + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local c, r, o = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created"); r = r + t:get("refused"); o = o + t:get("other")
  end
  local secs = summary.duration / 1e6
  io.write(string.format('{"bench":"flash_yutang","orders_per_second":%.0f,"created":%d,"refused":%d,"other":%d,' ..
    '"seconds":%.1f,"p50_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f}\n', c / secs, c, r, o, secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
