-- wrk script for the ingest benchmark: POST /message with an app token, counting response statuses.
-- Environment: HERALD_BENCH_TOKEN = app token (sent as X-Gotify-Key).
-- done() prints one line "HERALD_WRK_JSON {...}" that bench/Herald.Bench parses.

local token = os.getenv("HERALD_BENCH_TOKEN") or ""
local threads = {}

wrk.method = "POST"
wrk.body = '{"title":"t","message":"hello","priority":5}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Gotify-Key"] = token

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  responses = 0
end

function response(status, headers, body)
  responses = responses + 1
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  local total = 0
  for _, t in ipairs(threads) do
    total = total + (t:get("responses") or 0)
    local s = t:get("statuses")
    if s then
      for code, n in pairs(s) do
        merged[code] = (merged[code] or 0) + n
      end
    end
  end
  local parts = {}
  for code, n in pairs(merged) do
    table.insert(parts, string.format('"%d":%d', code, n))
  end
  local e = summary.errors
  io.write(string.format(
    'HERALD_WRK_JSON {"duration_us":%d,"requests":%d,"responses":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"statuses":{%s},' ..
    '"latency_us":{"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.duration, summary.requests, total, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    table.concat(parts, ","),
    latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)))
end
