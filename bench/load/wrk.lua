-- wrk script: cycle through the URL paths in $URLS_FILE (one per line), as the reverse proxy would
-- send them (X-Forwarded-Proto: https), and print a JSON summary line at the end.
local paths = {}
for line in io.lines(os.getenv("URLS_FILE")) do
  if #line > 0 then paths[#paths + 1] = line end
end
local counter = 0

init = function(args)
  -- Each thread starts at its own place in the list.
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0) % 100000)
  counter = math.random(#paths)
end

request = function()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter], { ["X-Forwarded-Proto"] = "https", ["Host"] = "127.0.0.1" })
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_s": %.2f, "rps": %.1f, "errors_connect": %d, "errors_read": %d, ' ..
    '"errors_write": %d, "errors_status": %d, "errors_timeout": %d, "p50_ms": %.1f, "p90_ms": %.1f, ' ..
    '"p99_ms": %.1f, "max_ms": %.1f}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
