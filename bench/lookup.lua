-- wrk script: GET /api/v1/customers?phone=... cycling through the benchmark's phone numbers, with a bearer token.
-- usage: wrk -s bench/lookup.lua URL  (env YT_TOKEN, YT_PHONES = file with one phone per line)
local phones = {}
for line in io.lines(os.getenv("YT_PHONES")) do phones[#phones + 1] = line end
local token = os.getenv("YT_TOKEN")
local counter = 0
request = function()
  counter = counter + 1
  local p = phones[(counter * 7919) % #phones + 1]
  return wrk.format("GET", "/api/v1/customers?limit=1&phone=" .. p, { ["Authorization"] = "Bearer " .. token })
end
done = function(summary, latency, requests)
  io.write(string.format('{"requests":%d,"errors":%d,"seconds":%.2f,"requests_per_second":%.0f,"p50_ms":%.2f,"p90_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f}\n',
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout,
    summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
