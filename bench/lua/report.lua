-- wrk script for bench/run.sh: once the run is over, print a single
-- "BENCH key=value ..." line that the harness parses. wrk's own report shows
-- no p99.9; wrk's latency values are microseconds and so are these.
local percentiles = { p50 = 50, p90 = 90, p99 = 99, p999 = 99.9 }

done = function(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1000000
  local out = {
    string.format("requests=%d", summary.requests),
    string.format("secs=%.3f", seconds),
    string.format("rps=%.1f", summary.requests / seconds),
  }
  for _, name in ipairs({ "p50", "p90", "p99", "p999" }) do
    out[#out + 1] = string.format("%s=%d", name, latency:percentile(percentiles[name]))
  end
  out[#out + 1] = string.format("max=%d", latency.max)
  -- non-2xx/3xx answers, and every socket-level failure wrk counts
  out[#out + 1] = string.format("non2xx=%d", e.status)
  out[#out + 1] = string.format("sockerr=%d", e.connect + e.read + e.write + e.timeout)
  io.write("BENCH ", table.concat(out, " "), "\n")
end
