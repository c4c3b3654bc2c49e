-- wrk script: grants of one coupon to customers 1..N in turn. Like flash.lua, the requests are written once
-- and no response() callback is defined; grants are the 2xx answers, refusals (409: the quota or the
-- customer's limit reached) the answers with an error status.
-- env: COUPON_ID, COUPON_TOKEN (bearer), COUPON_CUSTOMERS (N), COUPON_BENCH (the name it reports under)
local coupon = os.getenv("COUPON_ID")
local token = os.getenv("COUPON_TOKEN")
local customers = tonumber(os.getenv("COUPON_CUSTOMERS"))
local name = os.getenv("COUPON_BENCH") or "coupon_yutang"
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  reqs = {}
  for c = 1, customers do
    reqs[c] = wrk.format("POST", "/api/v1/coupons/" .. coupon .. "/grants",
      {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, '{"customer_id":' .. c .. '}')
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
  local granted = summary.requests - e.status
  io.write(string.format('{"bench":"%s","grants_per_second":%.0f,"answers_per_second":%.0f,"granted":%d,"refused":%d,' ..
    '"socket_errors":%d,"seconds":%.1f,"p50_ms":%.2f,"p99_ms":%.2f}\n', name, granted / secs, summary.requests / secs,
    granted, e.status, e.connect + e.read + e.write + e.timeout, secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
