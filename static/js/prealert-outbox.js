/* The outbox of the offline pre-alert form, shared by the page (static/js/prealert.js) and the
   service worker (/prealertas/sw.js, for Background Sync): IndexedDB database
   "willaq-prealertas" with two stores, "outbox" (unsent submissions, keyed by their client id:
   a second "send" of the same submission replaces it, never adds one) and "drafts" (the form
   being filled, autosaved). Photos are kept as Blobs.

   drain(formUrl) sends every pending submission of the signed-in account, one after another,
   each with its client id: the server answers 201 (received) or 200 (already received), and
   only then does the item leave the outbox — so a submission arrives exactly once, whatever
   the network does. A page and the service worker draining at once take turns (Web Locks). */
(function (root) {
  "use strict";

  var DB_NAME = "willaq-prealertas";
  var DB_VERSION = 1;
  var LOCK = "willaq-prealertas-outbox";
  var dbPromise = null;

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = root.indexedDB.open(DB_NAME, DB_VERSION);
        request.onupgradeneeded = function () {
          var db = request.result;
          if (!db.objectStoreNames.contains("outbox")) {
            db.createObjectStore("outbox", { keyPath: "client_id" });
          }
          if (!db.objectStoreNames.contains("drafts")) {
            db.createObjectStore("drafts", { keyPath: "id" });
          }
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { dbPromise = null; reject(request.error); };
      });
    }
    return dbPromise;
  }

  function run(storeName, mode, operation) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(storeName, mode);
        var request = operation(transaction.objectStore(storeName));
        transaction.oncomplete = function () { resolve(request ? request.result : undefined); };
        transaction.onerror = transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }

  function byDate(a, b) {
    return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0;
  }

  function withLock(work) {
    var locks = root.navigator && root.navigator.locks;
    if (locks && locks.request) return locks.request(LOCK, work);
    return work();
  }

  function readJson(response) {
    return response.json().catch(function () { return {}; });
  }

  // The session's CSRF token and account (the form's URL answers them as JSON).
  function session(formUrl) {
    return fetch(formUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      cache: "no-store",
      redirect: "manual"
    }).then(function (response) {
      if (response.ok) return response.json();
      var login = response.status === 401 || response.status === 403 ||
        response.type === "opaqueredirect";
      throw { kind: login ? "login" : "failed" };
    }, function () {
      throw { kind: "offline" };
    });
  }

  function post(formUrl, token, item) {
    var body = new FormData();
    Object.keys(item.fields).forEach(function (name) {
      body.append(name, item.fields[name]);
    });
    body.set("client_id", item.client_id);
    body.set("csrfmiddlewaretoken", token);
    (item.photos || []).forEach(function (photo) {
      body.append("photos", photo.blob, photo.name);
    });
    return fetch(formUrl, {
      method: "POST",
      body: body,
      headers: { Accept: "application/json", "X-CSRFToken": token },
      credentials: "same-origin",
      redirect: "manual"
    });
  }

  var Outbox = {
    all: function () {
      return run("outbox", "readonly", function (store) { return store.getAll(); })
        .then(function (items) { return (items || []).sort(byDate); });
    },
    get: function (clientId) {
      return run("outbox", "readonly", function (store) { return store.get(clientId); });
    },
    put: function (item) {
      return run("outbox", "readwrite", function (store) { return store.put(item); });
    },
    remove: function (clientId) {
      return run("outbox", "readwrite", function (store) { return store.delete(clientId); });
    },
    getDraft: function () {
      return run("drafts", "readonly", function (store) { return store.get("current"); });
    },
    putDraft: function (draft) {
      draft.id = "current";
      return run("drafts", "readwrite", function (store) { return store.put(draft); });
    },
    removeDraft: function () {
      return run("drafts", "readwrite", function (store) { return store.delete("current"); });
    },

    /* Send the pending items. Resolves {status, sent, failed}: status "done" (nothing left to
       try), "offline", "failed" (the server did not answer well: retry later) or "login" (the
       session ended); sent: the items the server acknowledged, with its answer. */
    drain: function (formUrl) {
      return withLock(function () {
        return Outbox.all().then(function (items) {
          var pending = items.filter(function (item) { return item.state === "pending"; });
          var result = { status: "done", sent: [], failed: 0 };
          if (!pending.length) return result;
          return session(formUrl).then(function (account) {
            var token = account.csrf_token;
            var mine = pending.filter(function (item) { return item.owner === account.user; });
            var retried = false;

            function next(index) {
              if (index >= mine.length) return result;
              var item = mine[index];
              return post(formUrl, token, item).then(function (response) {
                if (response.status === 200 || response.status === 201) {
                  return readJson(response).then(function (answer) {
                    item.answer = answer;
                    result.sent.push(item);
                    return Outbox.remove(item.client_id);
                  }).then(function () { return next(index + 1); });
                }
                if (response.status === 422 || response.status === 409 ||
                    response.status === 400 || response.status === 413) {
                  return readJson(response).then(function (answer) {
                    item.state = "error";
                    item.detail = answer.detail || "";
                    item.errors = answer.errors || {};
                    result.failed += 1;
                    return Outbox.put(item);
                  }).then(function () { return next(index + 1); });
                }
                if (response.status === 403 && !retried) {
                  // A CSRF token from before a new login: ask for the current one, once.
                  retried = true;
                  return session(formUrl).then(function (fresh) {
                    token = fresh.csrf_token;
                    return next(index);
                  });
                }
                var login = response.status === 401 || response.status === 403 ||
                  response.type === "opaqueredirect";
                result.status = login ? "login" : "failed";
                return result;
              }, function () {
                result.status = root.navigator && root.navigator.onLine === false
                  ? "offline" : "failed";
                return result;
              });
            }

            return next(0);
          }, function (problem) {
            result.status = (problem && problem.kind) || "failed";
            return result;
          });
        });
      });
    }
  };

  root.WillaqOutbox = Outbox;
})(self);
