-- wrk script for bench/fault.sh: counts responses per wall-clock second, per
-- status and per backend (the X-Backend header), and prints them when the run
-- is over as "TL <epoch-second> <status> <backend> <count>" lines, then the
-- totals as one "TOTAL key=value ..." line.
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

-- per-thread state; global so that done() can read it with thread:get()
counts = {}

response = function(status, headers, body)
  local backend = headers["X-Backend"] or headers["x-backend"] or "-"
  local key = os.time() .. " " .. status .. " " .. backend
  counts[key] = (counts[key] or 0) + 1
end

done = function(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get("counts")) do
      io.write("TL ", key, " ", n, "\n")
    end
  end
  local e = summary.errors
  io.write(string.format(
    "TOTAL requests=%d non2xx=%d connect=%d read=%d write=%d timeout=%d p99=%d max=%d\n",
    summary.requests, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(99), latency.max))
end
