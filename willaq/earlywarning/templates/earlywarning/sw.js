{% autoescape off %}/* Willaq's offline pre-alert form: the service worker (scope /prealertas/), built on Workbox
   (vendored under static/vendor/workbox-*). It precaches the form's scripts, styles, icons and
   the territory list; keeps the form and "Mis prealertas" for use with no connection (network
   first: they carry the session's CSRF token); and sends the outbox when Background Sync says
   the connection is back. Rendered by willaq/earlywarning/views/form.py. */
"use strict";

var CONFIG = {{ config }};

importScripts("{{ workbox_sw }}", "{{ outbox_script }}");
workbox.setConfig({ modulePathPrefix: CONFIG.workboxPrefix, debug: false });
// A service worker may import scripts only while it starts: load every module now.
workbox.loadModule("workbox-core");
workbox.loadModule("workbox-routing");
workbox.loadModule("workbox-strategies");
workbox.loadModule("workbox-precaching");

self.skipWaiting();
workbox.core.clientsClaim();

workbox.precaching.cleanupOutdatedCaches();
workbox.precaching.precacheAndRoute(CONFIG.precache, { ignoreURLParametersMatching: [/.*/] });

// The pages: from the network when it answers within a few seconds, else the last copy.
var pages = new workbox.strategies.NetworkFirst({
  cacheName: CONFIG.pagesCache,
  networkTimeoutSeconds: 6
});
workbox.routing.registerRoute(function (options) {
  return options.request.mode === "navigate" &&
    CONFIG.pages.indexOf(options.url.pathname) !== -1;
}, pages);

// Keep the pages from the start, so the form opens offline right after its first visit. Only
// a real page is kept (not a redirect to the login page).
function keepPages() {
  return caches.open(CONFIG.pagesCache).then(function (cache) {
    return Promise.all(CONFIG.pages.map(function (url) {
      return fetch(url, { credentials: "same-origin", redirect: "manual" }).then(function (response) {
        if (response.ok && !response.redirected) return cache.put(url, response);
        return undefined;
      }, function () { return undefined; });
    }));
  });
}
self.addEventListener("install", function (event) { event.waitUntil(keepPages()); });

// Background Sync: the browser wakes the worker when the connection returns.
function tellPages(result) {
  return self.clients.matchAll({ type: "window" }).then(function (clients) {
    clients.forEach(function (client) {
      client.postMessage({
        type: "willaq-outbox",
        status: result.status,
        sent: result.sent.map(function (item) {
          return { client_id: item.client_id, created_at: item.created_at, fields: item.fields };
        })
      });
    });
  });
}
self.addEventListener("sync", function (event) {
  if (event.tag !== CONFIG.syncTag) return;
  event.waitUntil(self.WillaqOutbox.drain(CONFIG.formUrl).then(function (result) {
    return tellPages(result).then(function () {
      // Still pending: reject, so the browser tries again later.
      if (result.status !== "done") throw new Error(result.status);
    });
  }));
});
{% endautoescape %}
