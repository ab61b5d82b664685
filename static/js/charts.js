/* Charts: every element with data-vega-spec gets its Vega-Lite chart (vega-embed).
 *
 * data-vega-spec is either a URL answering the spec as JSON (the dashboard's
 * /reportes/graficos/<name>.json), "#id" of a <script type="application/json"> holding it, or
 * empty when such a script is the element's first child. Works under the site's
 * Content-Security-Policy: expressions run in vega-interpreter (ast: true, no eval), vega-embed
 * injects no <style> (defaultStyle: false; its menu and the tooltip are styled in willaq.css).
 * Numbers and dates follow the spec's config.locale (es-PE, set on the server), else es-PE here.
 * The actions menu only saves the chart as SVG or PNG; its labels come from the page
 * (data-chart-* attributes on the element or an ancestor, translated by the template).
 * Needs vega, vega-lite, vega-embed and vega-interpreter loaded before it.
 */
(function () {
  "use strict";

  var ES_PE_NUMBER = { decimal: ".", thousands: ",", grouping: [3], currency: ["S/ ", ""] };

  function label(el, name, fallback) {
    var holder = el.closest("[data-chart-" + name + "]");
    return holder ? holder.getAttribute("data-chart-" + name) : fallback;
  }

  function showError(el, text) {
    el.textContent = "";
    var p = document.createElement("p");
    p.className = "chart-error muted";
    p.textContent = text;
    el.appendChild(p);
    el.setAttribute("data-chart-state", "error");
  }

  function loadSpec(el) {
    var ref = el.getAttribute("data-vega-spec") || "";
    var script = null;
    if (ref.charAt(0) === "#") {
      script = document.getElementById(ref.slice(1));
    } else if (!ref) {
      script = el.querySelector('script[type="application/json"]');
    }
    if (script) {
      return Promise.resolve(JSON.parse(script.textContent));
    }
    return fetch(ref, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      });
  }

  function options(el, spec) {
    var locale = (spec.config && spec.config.locale) || {};
    return {
      renderer: el.getAttribute("data-chart-renderer") || "svg",
      ast: true,
      expr: window.vega.expressionInterpreter,
      defaultStyle: false,
      forceActionsMenu: true,
      actions: { export: { svg: true, png: true }, source: false, compiled: false, editor: false },
      formatLocale: locale.number || ES_PE_NUMBER,
      timeFormatLocale: locale.time,
      tooltip: { disableDefaultStyle: true },
      downloadFileName: el.getAttribute("data-chart-name") || "grafico",
      i18n: {
        CLICK_TO_VIEW_ACTIONS: label(el, "menu", "Guardar el gráfico"),
        SVG_ACTION: label(el, "save-svg", "Guardar como SVG"),
        PNG_ACTION: label(el, "save-png", "Guardar como PNG"),
      },
    };
  }

  function draw(el) {
    el.setAttribute("data-chart-state", "loading");
    return loadSpec(el)
      .then(function (spec) {
        el.textContent = "";
        return window.vegaEmbed(el, spec, options(el, spec));
      })
      .then(function () {
        el.setAttribute("data-chart-state", "ready");
      })
      .catch(function () {
        showError(el, label(el, "error", "No se pudo dibujar el gráfico."));
      });
  }

  function init(root) {
    if (typeof window.vegaEmbed !== "function" || !window.vega || !window.vega.expressionInterpreter) {
      return;
    }
    root.querySelectorAll("[data-vega-spec]").forEach(function (el) {
      if (!el.hasAttribute("data-chart-state")) {
        draw(el);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
  });
  // Content swapped in by HTMX may bring charts too.
  document.addEventListener("htmx:afterSettle", function (event) {
    init(event.target);
  });
})();
