// Archway dashboard: polls /dashboard/data every second and redraws tables and charts.
// Plain script, no build step; uPlot comes from the WebJar the admin server serves.
(function () {
  "use strict";

  var COLORS = ["#2e90fa", "#f79009", "#12b76a", "#9e77ed", "#f04438", "#0ba5ec", "#ee46bc", "#667085"];
  var charts = {};          // id -> {plot, key}
  var chartWidth = 420;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  function fmt(v, digits) {
    return v === null || v === undefined || isNaN(v) ? "–" : Number(v).toFixed(digits);
  }

  function renderRoutes(routes) {
    var body = document.querySelector("#routes tbody");
    body.textContent = "";
    routes.forEach(function (r) {
      var tr = el("tr", {"data-route": r.name});
      tr.appendChild(el("td", null, r.name));
      tr.appendChild(el("td", null, r.match));
      tr.appendChild(el("td", null, r.to));
      tr.appendChild(el("td", {"class": "num rate"}, fmt(r.rate, 1)));
      tr.appendChild(el("td", {"class": "num"}, fmt(r.error_rate, 1)));
      tr.appendChild(el("td", {"class": "num"}, fmt(r.p50_ms, 1)));
      tr.appendChild(el("td", {"class": "num"}, fmt(r.p99_ms, 1)));
      body.appendChild(tr);
    });
  }

  function renderUpstreams(upstreams) {
    var box = document.getElementById("upstreams");
    box.textContent = "";
    upstreams.forEach(function (u) {
      var div = el("div", {"class": "upstream", "data-upstream": u.name});
      div.appendChild(el("h3", null, u.name));
      var table = el("table");
      var head = el("tr");
      ["target", "weight", "health", "in flight"].forEach(function (h) { head.appendChild(el("th", null, h)); });
      table.appendChild(head);
      u.targets.forEach(function (t) {
        var tr = el("tr");
        tr.appendChild(el("td", null, t.address));
        tr.appendChild(el("td", {"class": "num"}, String(t.weight)));
        tr.appendChild(el("td", {"class": t.healthy ? "healthy" : "unhealthy"},
          t.weight === 0 ? "drained" : (t.healthy ? "healthy" : "unhealthy")));
        tr.appendChild(el("td", {"class": "num"}, String(t.active_connections)));
        table.appendChild(tr);
      });
      div.appendChild(table);
      box.appendChild(div);
    });
  }

  // uPlot wants one x array shared by every series; routes added later have fewer points.
  function aligned(series, names, fields) {
    var times = {};
    names.forEach(function (n) { series[n].t.forEach(function (t) { times[t] = true; }); });
    var xs = Object.keys(times).map(Number).sort(function (a, b) { return a - b; });
    var data = [xs];
    names.forEach(function (n) {
      var s = series[n];
      var index = {};
      s.t.forEach(function (t, i) { index[t] = i; });
      fields.forEach(function (f) {
        data.push(xs.map(function (t) { var i = index[t]; return i === undefined ? null : s[f][i]; }));
      });
    });
    return data;
  }

  function draw(id, names, fields, data, labels) {
    var key = names.join("\u0000") + "|" + fields.join(",");
    var c = charts[id];
    if (c && c.key === key) {
      c.plot.setData(data);
      return;
    }
    if (c) { c.plot.destroy(); }
    var seriesOpts = [{}];
    names.forEach(function (n, i) {
      fields.forEach(function (f, j) {
        seriesOpts.push({
          label: labels ? n + " " + labels[j] : n,
          stroke: COLORS[i % COLORS.length],
          width: j === 0 ? 2 : 1,
          dash: j === 0 ? undefined : [4, 4],
          spanGaps: true
        });
      });
    });
    var plot = new uPlot({
      width: chartWidth, height: 220,
      scales: { x: { time: true } },
      axes: [{}, { size: 50 }],
      series: seriesOpts
    }, data, document.getElementById(id));
    charts[id] = {plot: plot, key: key};
  }

  // For the tests and the curious: the latest data each chart holds.
  window.archwayDashboard = {
    charts: charts,
    updates: 0
  };

  function update(d) {
    var names = d.routes.map(function (r) { return r.name; }).filter(function (n) { return d.series[n]; });
    renderRoutes(d.routes);
    renderUpstreams(d.upstreams);
    draw("chart-rate", names, ["rate"], aligned(d.series, names, ["rate"]));
    draw("chart-errors", names, ["errors"], aligned(d.series, names, ["errors"]));
    draw("chart-latency", names, ["p50", "p99"], aligned(d.series, names, ["p50", "p99"]), ["p50", "p99"]);
    document.getElementById("summary").textContent = "config v" + d.version + " · " + d.active_connections +
      " connections · " + d.in_flight + " in flight";
    window.archwayDashboard.updates++;
  }

  function poll() {
    fetch("/dashboard/data", {credentials: "same-origin", cache: "no-store"})
      .then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      })
      .then(function (d) {
        update(d);
        var s = document.getElementById("status");
        s.textContent = "live · " + new Date(d.time * 1000).toLocaleTimeString();
        s.className = "status ok";
      })
      .catch(function (e) {
        var s = document.getElementById("status");
        s.textContent = "cannot reach the gateway (" + e.message + "), retrying";
        s.className = "status bad";
      })
      .then(function () { setTimeout(poll, 1000); });
  }

  poll();
})();
