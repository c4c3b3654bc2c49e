-- wrk script: grants of one hot coupon to customers 1..N in turn; counts answers by status.
-- env: COUPON_ID, COUPON_TOKEN (bearer), COUPON_CUSTOMERS (N)
local coupon = os.getenv("COUPON_ID")
local token = os.getenv("COUPON_TOKEN")
local customers = tonumber(os.getenv("COUPON_CUSTOMERS"))
local threads = {}

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
  return wrk.format("POST", "/api/v1/coupons/" .. coupon .. "/grants",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token},
    '{"customer_id":' .. (n % customers + 1) .. '}')
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
  io.write(string.format('{"bench":"coupon_yutang","claims_per_second":%.0f,"answers_per_second":%.0f,"issued":%d,' ..
    '"refused":%d,"other":%d,"seconds":%.1f,"p50_ms":%.2f,"p99_ms":%.2f}\n', c / secs, (c + r + o) / secs, c, r, o, secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
