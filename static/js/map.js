/* The map of /mapa/ and /mapa/publico/ (no inline script: the CSP forbids it).
 *
 * The shipped boundaries (static/geo) are the base layer, so the map works offline; the
 * OpenStreetMap tiles are added only when a first tile loads. Cases and events come from the
 * data endpoint (#map[data-url]) already grouped in grid cells by the server: a cell is drawn
 * as a numbered circle (a click zooms into it), a single case as a dot coloured by its state
 * (a click shows its summary). The choropleth colours departments or provinces by the count of
 * cases or their rate per 100 000 inhabitants, with a legend. */
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element || typeof L === "undefined") return;
  var data = element.dataset;
  var form = document.getElementById("map-form");
  var statusLine = document.getElementById("map-status");
  var summary = document.getElementById("map-summary");
  var PERU = [[-18.4, -81.4], [0.0, -68.6]];
  var GEO_KEY = { department: "FIRST_IDDP", province: "FIRST_IDPR" };

  var map = L.map(element, { minZoom: 4, maxZoom: 18, zoomSnap: 1 });
  map.fitBounds(PERU);
  var boundaries = L.layerGroup().addTo(map);
  var choropleth = L.layerGroup().addTo(map);
  var events = L.layerGroup().addTo(map);
  var cases = L.layerGroup().addTo(map);
  var legend = null;
  var geometry = {};
  var generation = 0;

  // The online base map, only when it is reachable (never required).
  (function tryTiles() {
    var probe = new Image();
    probe.onload = function () {
      L.tileLayer(data.tiles, { maxZoom: 18, attribution: data.textOsm }).addTo(map).bringToBack();
    };
    probe.src = data.tiles.replace("{z}", "5").replace("{x}", "9").replace("{y}", "16");
  })();

  function loadGeometry(level) {
    if (!geometry[level]) {
      var url = level === "province" ? data.geoProvince : data.geoDepartment;
      geometry[level] = fetch(url).then(function (r) { return r.json(); });
    }
    return geometry[level];
  }

  loadGeometry("department").then(function (geojson) {
    L.geoJSON(geojson, {
      interactive: false,
      style: { color: "#555", weight: 1, fill: false }
    }).addTo(boundaries);
  });

  function shown(name) {
    var box = document.getElementById("show-" + name);
    return !box || box.checked;
  }

  function params(layer) {
    var query = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (key !== "show" && value !== "") query.append(key, value);
    });
    var b = map.getBounds();
    var clamp = function (v, lo, hi) { return Math.min(hi, Math.max(lo, v)); };
    var west = clamp(b.getWest(), -180, 179.9), east = clamp(b.getEast(), west + 0.0001, 180);
    var south = clamp(b.getSouth(), -90, 89.9), north = clamp(b.getNorth(), south + 0.0001, 90);
    query.set("bbox", [west, south, east, north].map(function (v) { return v.toFixed(5); }).join(","));
    query.set("zoom", String(Math.round(map.getZoom())));
    query.set("layer", layer);
    return query;
  }

  function get(layer) {
    return fetch(data.url + "?" + params(layer).toString(), {
      credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body.detail || data.textError);
        return body;
      });
    });
  }

  function text(tag, content, className) {
    var node = document.createElement(tag);
    node.textContent = content;
    if (className) node.className = className;
    return node;
  }

  function showSummary(rows, link) {
    summary.replaceChildren();
    var list = document.createElement("dl");
    list.className = "map-summary";
    rows.forEach(function (row) {
      if (!row[1]) return;
      list.appendChild(text("dt", row[0]));
      list.appendChild(text("dd", row[1]));
    });
    summary.appendChild(list);
    if (link) {
      var a = text("a", data.textOpen, "btn");
      a.href = link;
      summary.appendChild(a);
    }
  }

  function sizeClass(count) {
    return count >= 1000 ? "xl" : count >= 100 ? "l" : count >= 10 ? "m" : "s";
  }

  function dominant(by) {
    var best = "", n = -1;
    Object.keys(by || {}).forEach(function (k) { if (by[k] > n) { best = k; n = by[k]; } });
    return best;
  }

  function clusterMarker(feature, kind) {
    var p = feature.properties, c = feature.geometry.coordinates;
    var state = kind === "cases" ? "state-" + dominant(p.by) : "map-cluster-event";
    var icon = L.divIcon({
      className: "map-cluster map-cluster-" + kind + " " + state + " size-" + sizeClass(p.count),
      html: "<span>" + Number(p.count) + "</span>",
      iconSize: null
    });
    var marker = L.marker([c[1], c[0]], {
      icon: icon, keyboard: true,
      title: p.count + " " + (kind === "cases" ? data.textCases : data.textEvents)
    });
    marker.on("click", function () {
      var b = p.bounds;
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { maxZoom: map.getZoom() + 3 });
    });
    return marker;
  }

  function caseMarker(feature) {
    var p = feature.properties, c = feature.geometry.coordinates;
    var marker = L.marker([c[1], c[0]], {
      icon: L.divIcon({ className: "map-point map-case state-" + p.state, iconSize: null }),
      title: p.code + " " + p.name, keyboard: true
    });
    marker.on("click", function () {
      showSummary([
        [data.textCase, p.name], [data.textCode, p.code], [data.textState, p.state_label],
        [data.textType, p.typology], [data.textPlace, p.place]
      ], p.url);
    });
    return marker;
  }

  function eventMarker(feature) {
    var p = feature.properties, c = feature.geometry.coordinates;
    var marker = L.marker([c[1], c[0]], {
      icon: L.divIcon({ className: "map-point map-event", iconSize: null }),
      title: p.date + " " + p.event_type_label, keyboard: true
    });
    marker.on("click", function () {
      showSummary([
        [data.textDate, p.date], [data.textType, p.event_type_label],
        [data.textPlace, p.place], [data.textCase, p.case_code]
      ], "");
    });
    return marker;
  }

  function drawPoints(group, answer, kind) {
    group.clearLayers();
    answer.features.forEach(function (feature) {
      var marker = feature.properties.cluster ? clusterMarker(feature, kind)
        : kind === "cases" ? caseMarker(feature) : eventMarker(feature);
      marker.addTo(group);
    });
    return answer.total + " " + (kind === "cases" ? data.textCases : data.textEvents) +
      (answer.truncated ? " — " + data.textTruncated : "");
  }

  function classOf(value, breaks) {
    if (value === null || value === undefined) return "none";
    if (!value) return "zero";
    for (var i = 0; i < breaks.length; i++) if (value <= breaks[i]) return String(i);
    return String(breaks.length - 1);
  }

  var FILL = ["#fde0c5", "#facba6", "#f59e72", "#e4664a", "#b13f3a"];
  function fillOf(cls) {
    if (cls === "none") return "#dddddd";
    if (cls === "zero") return "#ffffff";
    return FILL[Number(cls)] || FILL[FILL.length - 1];
  }

  function drawLegend(answer) {
    if (legend) legend.remove();
    legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var box = L.DomUtil.create("div", "map-legend");
      box.appendChild(text("strong", answer.measure_label));
      var rows = [["zero", data.textNoData]];
      var lower = 0;
      answer.breaks.forEach(function (upper, i) {
        rows.push([String(i), (i ? "> " + lower.toLocaleString() + " – " : "≤ ") + upper.toLocaleString()]);
        lower = upper;
      });
      if (answer.measure === "rate") rows.push(["none", data.textNoPopulation]);
      rows.forEach(function (row) {
        var line = L.DomUtil.create("div", "map-legend-row", box);
        L.DomUtil.create("span", "swatch swatch-" + row[0], line);
        line.appendChild(text("span", row[1]));
      });
      box.appendChild(text("small", answer.source, "muted"));
      return box;
    };
    legend.addTo(map);
  }

  function drawChoropleth(answer) {
    return loadGeometry(answer.level).then(function (geojson) {
      var units = {};
      answer.units.forEach(function (u) { units[u.key] = u; });
      choropleth.clearLayers();
      L.geoJSON(geojson, {
        style: function (feature) {
          var unit = units[feature.properties[GEO_KEY[answer.level]]];
          var cls = unit ? classOf(unit.value, answer.breaks) : "none";
          return { color: "#777", weight: 0.6, fillColor: fillOf(cls), fillOpacity: 0.6,
                   className: "map-unit map-unit-" + cls };
        },
        onEachFeature: function (feature, layer) {
          var unit = units[feature.properties[GEO_KEY[answer.level]]];
          if (!unit) return;
          var label = unit.name + ": " + unit.count + " " + data.textCases +
            (unit.rate !== null ? " (" + unit.rate + " / 100 000)" : "");
          layer.bindTooltip(label, { sticky: true });
        }
      }).addTo(choropleth);
      drawLegend(answer);
    });
  }

  function refresh() {
    var mine = ++generation;
    var jobs = [], lines = [];
    statusLine.textContent = "…";
    if (shown("cases")) {
      jobs.push(get("cases").then(function (a) { if (mine === generation) lines.push(drawPoints(cases, a, "cases")); }));
    } else cases.clearLayers();
    if (shown("events")) {
      jobs.push(get("events").then(function (a) { if (mine === generation) lines.push(drawPoints(events, a, "events")); }));
    } else events.clearLayers();
    if (shown("choropleth")) {
      jobs.push(get("choropleth").then(function (a) { if (mine === generation) return drawChoropleth(a); }));
    } else {
      choropleth.clearLayers();
      if (legend) { legend.remove(); legend = null; }
    }
    Promise.all(jobs).then(function () {
      if (mine === generation) statusLine.textContent = lines.join(" · ");
    }).catch(function (error) {
      if (mine === generation) statusLine.textContent = error.message || data.textError;
    });
  }

  var timer = null;
  function soon() { clearTimeout(timer); timer = setTimeout(refresh, 150); }
  map.on("moveend", soon);
  form.addEventListener("change", soon);
  form.addEventListener("submit", function (event) { event.preventDefault(); refresh(); });
  refresh();
})();
