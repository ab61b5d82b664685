// The stakeholder map of a case (cases/stakeholder_map.html): fetches the map of the page's date
// from the API and draws it as an SVG that scales to the screen. Actors sit on a circle (the most
// influential first), sized by influence and coloured by attitude; relations are lines coloured
// by kind (CSS classes rel-*, shared with the legend). Tapping an actor highlights its relations.
// No library, no inline script or style (Content-Security-Policy).
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function el(name, attrs) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    return node;
  }

  var HIT = 42; // the smallest tap radius, in the drawing's units (600 wide)
  var LINE = 18; // characters per line of an actor's name; two lines at most

  function radius(node) {
    return 10 + 4 * (node.influence || 1);
  }

  // An actor's name on two short lines (broken between words), the rest cut with "…": a long
  // name on one line would run over its neighbours' names on a phone.
  function labelLines(name) {
    var lines = [""];
    name.split(/\s+/).forEach(function (word) {
      var last = lines.length - 1;
      if (!lines[last]) { lines[last] = word; }
      else if ((lines[last] + " " + word).length <= LINE) { lines[last] += " " + word; }
      else { lines.push(word); }
    });
    var shown = lines.slice(0, 2).map(function (line) {
      return line.length > LINE ? line.slice(0, LINE - 1) + "…" : line;
    });
    if (lines.length > 2 && shown[1].slice(-1) !== "…") {
      shown[1] = (shown[1].length >= LINE ? shown[1].slice(0, LINE - 1) : shown[1]) + "…";
    }
    return shown;
  }

  // Names near the left or right edge are moved inwards so that none is cut by the frame
  // (measured once drawn: the font size depends on the screen).
  function keepLabelsInside(svg, size) {
    svg.querySelectorAll(".graph-label").forEach(function (label) {
      var box = label.getBBox();
      var shift = Math.max(0, 4 - box.x) - Math.max(0, box.x + box.width - (size - 4));
      if (!shift) { return; }
      label.querySelectorAll("tspan").forEach(function (tspan) {
        tspan.setAttribute("x", String(Number(tspan.getAttribute("x")) + shift));
      });
    });
  }

  function draw(box, data) {
    var nodes = data.nodes.slice().sort(function (a, b) {
      return (b.influence || 0) - (a.influence || 0) || a.name.localeCompare(b.name);
    });
    var size = 600, centre = size / 2, ring = nodes.length > 1 ? size / 2 - 110 : 0;
    var place = {};
    nodes.forEach(function (node, i) {
      var angle = -Math.PI / 2 + (2 * Math.PI * i) / nodes.length;
      place[node.uuid] = { x: centre + ring * Math.cos(angle), y: centre + ring * Math.sin(angle), node: node };
    });
    var svg = el("svg", { viewBox: "0 0 " + size + " " + size, class: "graph-svg", focusable: "false" });
    var edgesLayer = el("g", { class: "graph-edges" });
    var nodesLayer = el("g", { class: "graph-nodes" });
    svg.appendChild(edgesLayer);
    svg.appendChild(nodesLayer);
    // Two relations of one pair (two institutions' views) are drawn apart as gentle curves.
    var seen = {};
    data.edges.forEach(function (edge) {
      var a = place[edge.source], b = place[edge.target];
      if (!a || !b) { return; }
      var pair = [edge.source, edge.target].sort().join("|");
      var n = seen[pair] = (seen[pair] || 0) + 1;
      var bend = (n - 1) * 28 * (n % 2 ? 1 : -1);
      var mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2;
      var dx = b.x - a.x, dy = b.y - a.y, len = Math.sqrt(dx * dx + dy * dy) || 1;
      var cx = mx - (dy / len) * bend, cy = my + (dx / len) * bend;
      var path = el("path", {
        d: "M" + a.x + "," + a.y + " Q" + cx + "," + cy + " " + b.x + "," + b.y,
        class: "graph-edge rel-" + edge.kind,
        "data-source": edge.source,
        "data-target": edge.target,
      });
      var title = el("title");
      title.textContent = a.node.name + " — " + b.node.name;
      path.appendChild(title);
      edgesLayer.appendChild(path);
    });
    Object.keys(place).forEach(function (key) {
      var p = place[key];
      var group = el("g", { class: "graph-node", tabindex: "0", "data-uuid": key, role: "button" });
      // An invisible disc around a small actor: a finger finds it (44 px on a phone).
      group.appendChild(el("circle", {
        cx: p.x, cy: p.y, r: Math.max(radius(p.node), HIT), class: "graph-hit",
      }));
      group.appendChild(el("circle", {
        cx: p.x, cy: p.y, r: radius(p.node), class: "att-" + (p.node.attitude || "none"),
      }));
      var label = el("text", { x: p.x, y: p.y + radius(p.node), class: "graph-label" });
      labelLines(p.node.name).forEach(function (line) {
        var tspan = el("tspan", { x: p.x, dy: "1.15em" });
        tspan.textContent = line;
        label.appendChild(tspan);
      });
      group.appendChild(label);
      var title = el("title");
      title.textContent = p.node.name;
      group.appendChild(title);
      nodesLayer.appendChild(group);
    });
    function focus(uuid) {
      var same = svg.getAttribute("data-focus") === uuid;
      svg.setAttribute("data-focus", same ? "" : uuid);
      svg.classList.toggle("has-focus", !same);
      edgesLayer.querySelectorAll(".graph-edge").forEach(function (path) {
        var on = !same && (path.dataset.source === uuid || path.dataset.target === uuid);
        path.classList.toggle("is-focus", on);
      });
      nodesLayer.querySelectorAll(".graph-node").forEach(function (group) {
        group.classList.toggle("is-focus", !same && group.dataset.uuid === uuid);
      });
    }
    nodesLayer.addEventListener("click", function (event) {
      var group = event.target.closest(".graph-node");
      if (group) { focus(group.dataset.uuid); }
    });
    nodesLayer.addEventListener("keydown", function (event) {
      var group = event.target.closest(".graph-node");
      if (group && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        focus(group.dataset.uuid);
      }
    });
    box.replaceChildren(svg);
    keepLabelsInside(svg, size);
    box.dataset.drawn = String(data.nodes.length) + "/" + String(data.edges.length);
  }

  function start() {
    var box = document.getElementById("stakeholder-graph");
    if (!box) { return; }
    fetch(box.dataset.api, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) { draw(box, data); })
      .catch(function () { box.textContent = box.dataset.empty; });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
