# Renders the raw files of a bench/run.sh run as one markdown table per scenario.
#
#   awk -v scenarios="plain64 ..." -v contenders="direct archway nginx haproxy" \
#       -f summary.awk setup.tsv skips.tsv raw.tsv
#
# Every file starts with a header line. Cells are medians over the rounds; the
# reference (nginx) gives the ratios "(1.23×)" shown in the other rows.
# raw.tsv columns: 1 round 2 contender 3 scenario 4 conns 5 secs 6 rps 7 p50
# 8 p90 9 p99 10 p999 11 max (µs) 12 requests 13 non2xx 14 sockerr 15 cpu_s
# 16 win_s 17 rss_kib 18 startup_s 19 cpu_proxy_pct 20 cpu_load_pct
# 21 upstream_reqs 22 upstream_conns 23 others_cpu_pct (CPU other processes
# on the machine used during the run, % of one CPU; "-" where it does not apply).

BEGIN { FS = "\t"; ref = "nginx" }

FNR == 1 { file++; next }
file == 1 { setup[$2, $1] = $3; next }
file == 2 { if (!(($2, $1) in skipped)) skipped[$2, $1] = $3; next }

NF >= 22 {
  k = $3 SUBSEP $2
  has[k] = 1
  conns[$3] = $4; secs[$3] = $5
  add(k, "rps", $6); add(k, "p50", $7); add(k, "p99", $9); add(k, "p999", $10)
  if ($15 != "-" && $12 > 0) add(k, "cpu", $15 * 1e6 / $12)
  if ($17 != "-") add(k, "rss", $17 / 1024)
  if ($18 != "-") add(k, "start", $18)
  add(k, "busy0", $19); add(k, "busy1", $20)
  if ($21 != "-" && $12 > 0) { add(k, "upreq", 100 * $21 / $12); add(k, "upconn", $22) }
  errs[k] += $13 + $14
  perround[k] = perround[k] (perround[k] == "" ? "" : " / ") sprintf("%.0f", $6)
}

function add(k, m, v) { vals[k, m] = vals[k, m] " " v }

function median(k, m,    a, n, i, j, t) {
  if (!((k, m) in vals)) return ""
  n = split(vals[k, m], a, " ")
  for (i = 2; i <= n; i++) {          # insertion sort, n is the number of rounds
    t = a[i] + 0
    for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]
    a[j + 1] = t
  }
  return (n % 2) ? a[(n + 1) / 2] + 0 : (a[n / 2] + a[n / 2 + 1]) / 2
}

# value, with "(r×)" against the reference unless this is the reference row
function cell(s, c, m, fmt, scale,    v, r, out) {
  v = median(s SUBSEP c, m)
  if (v == "") return "-"
  out = sprintf(fmt, v * scale)
  if (c != ref && c != "direct") {
    r = median(s SUBSEP ref, m)
    if (r != "" && r > 0) out = out sprintf(" (%.2f×)", v / r)
  }
  return out
}

function title(s,    what) {
  if (s == "plain64" || s == "plain256") what = "GET / (3-byte body) through a catch-all route"
  else if (s == "body1k") what = "GET /1k (1 KiB body) through a catch-all route"
  else if (s == "c1") what = "GET / over one connection: the latency a lone client sees"
  else if (s == "routes10k") what = "GET of one exact-path route from the middle of 10,000 (plus a catch-all)"
  else if (s == "jwt") what = "GET /secure/profile with a Bearer RS256 JWT: JWT check + rate limit"
  else if (s == "cache") what = "GET /cached/item answered from the proxy's cache"
  else what = s
  return sprintf("### `%s` — %s; wrk -t1 -c%s -d%ss", s, what, conns[s], secs[s])
}

END {
  ns = split(scenarios, S, " ")
  nc = split(contenders, C, " ")
  for (i = 1; i <= ns; i++) {
    s = S[i]
    if (conns[s] == "") { conns[s] = "?"; secs[s] = "?" }
    print title(s)
    print ""
    extra = (s == "c1") ? " added p50 vs direct µs |" : ""
    xsep = (s == "c1") ? "---:|" : ""
    print "| contender | setup | req/s | CPU µs/req | p50 ms | p99 ms | p99.9 ms |" extra " peak RSS MiB | start-up s | CPU busy % proxy/load | upstream reqs / new conns | errors | req/s per round |"
    print "|---|---|---:|---:|---:|---:|---:|" xsep "---:|---:|---:|---:|---:|---|"
    for (j = 1; j <= nc; j++) {
      c = C[j]; k = s SUBSEP c
      if (!(k in has)) {
        if (k in skipped) printf "| %s | skipped: %s | - | - | - | - | - |%s - | - | - | - | - | - |\n", c, skipped[k], (s == "c1") ? " - |" : ""
        continue
      }
      added = ""
      if (s == "c1") {
        d = median(s SUBSEP "direct", "p50")
        added = (c == "direct" || d == "") ? " - |" : sprintf(" +%.0f |", median(k, "p50") - d)
      }
      up = ((k, "upreq") in vals) ? sprintf("%.0f%% / %.0f", median(k, "upreq"), median(k, "upconn")) : "-"
      printf "| %s | %s | %s | %s | %s | %s | %s |%s %s | %s | %s/%s | %s | %d | %s |\n", c, setup[k], \
        cell(s, c, "rps", "%.0f", 1), cell(s, c, "cpu", "%.1f", 1), \
        cell(s, c, "p50", "%.3f", 0.001), cell(s, c, "p99", "%.3f", 0.001), cell(s, c, "p999", "%.3f", 0.001), \
        added, cell(s, c, "rss", "%.1f", 1), cell(s, c, "start", "%.2f", 1), \
        median(k, "busy0"), median(k, "busy1"), up, errs[k], perround[k]
    }
    print ""
  }
}
