-- wrk script: cycle through the URL paths in $URLS_FILE (one per line), as the nginx of docs/deploy.md
-- would pass them on (X-Forwarded-Proto: https; X-Forwarded-For: the visitor's address), count every
-- answer by status and print a JSON summary line at the end.
--
-- Visitors: each wrk thread speaks for $VISITORS (default 500) visitors with addresses of their own,
-- 10.<thread>.<n / 250>.<n % 250 + 1>, taking turns request by request. With the app's
-- DJANGO_TRUSTED_PROXY_COUNT=1 the API's anonymous throttle counts each visitor separately, at the
-- production rate: the run measures the product, not one address hitting its limit.
local paths = {}
for line in io.lines(os.getenv("URLS_FILE")) do
  if #line > 0 then paths[#paths + 1] = line end
end
local visitors = tonumber(os.getenv("VISITORS") or "500")
local counter = 0
local visitor = 0
local threads = {}

setup = function(thread)
  -- Runs in wrk's main Lua state, once per thread, before the thread starts.
  threads[#threads + 1] = thread
  thread:set("thread_id", #threads)
end

init = function(args)
  -- Each thread starts at its own place in the list.
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0) % 100000)
  counter = math.random(#paths)
  statuses = {}  -- global: read by done() through thread:get
end

request = function()
  counter = counter % #paths + 1
  visitor = visitor % visitors + 1
  local address = string.format("10.%d.%d.%d", thread_id, math.floor(visitor / 250), visitor % 250 + 1)
  return wrk.format("GET", paths[counter], {
    ["X-Forwarded-Proto"] = "https", ["Host"] = "127.0.0.1", ["X-Forwarded-For"] = address,
  })
end

response = function(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

done = function(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses") or {}) do
      total[status] = (total[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(total) do parts[#parts + 1] = string.format('"%s": %d', status, count) end
  table.sort(parts)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_s": %.2f, "rps": %.1f, "errors_connect": %d, "errors_read": %d, ' ..
    '"errors_write": %d, "errors_status": %d, "errors_timeout": %d, "p50_ms": %.1f, "p90_ms": %.1f, ' ..
    '"p99_ms": %.1f, "max_ms": %.1f, "visitors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    visitors * #threads, table.concat(parts, ", ")))
end
