/* The offline pre-alert form (/prealertas/nueva/). Without this script the page is a plain
   HTML form. With it:
   - the service worker (/prealertas/sw.js) is registered, so the page opens with no signal;
   - provinces and districts come from the territory list kept on the phone;
   - the form is autosaved as a draft (photos included) in IndexedDB;
   - "Enviar" puts the submission in the outbox (static/js/prealert-outbox.js) with its client
     id, then sends it; it stays there until the server acknowledges it, and is sent again on
     load, when the connection returns, with "Reintentar envío" and by Background Sync. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-prealert-form]");
  if (!form || !window.indexedDB || !window.WillaqOutbox || !window.Promise) return;
  var Outbox = window.WillaqOutbox;
  var S = JSON.parse(document.getElementById("prealert-strings").textContent);
  var formUrl = form.getAttribute("action");
  var userId = form.dataset.user;
  var clientInput = form.elements.namedItem("client_id");
  var department = form.elements.namedItem("place_department");
  var province = form.elements.namedItem("place_province");
  var district = form.elements.namedItem("place_district");
  var photoInput = form.elements.namedItem("photos");
  var photoList = form.querySelector("[data-photo-list]");
  var box = document.querySelector("[data-outbox]");
  var countText = box.querySelector("[data-outbox-count]");
  var list = box.querySelector("[data-outbox-list]");
  var statusText = box.querySelector("[data-outbox-status]");
  var sentList = box.querySelector("[data-outbox-sent]");
  var connection = box.querySelector("[data-connection]");
  var draftStatus = form.querySelector("[data-draft-status]");
  var ACCEPTED = ["image/jpeg", "image/png", "image/webp"];
  var SKIPPED = ["csrfmiddlewaretoken", "client_id", "photos", "refresh_places"];
  var photos = [];
  var children = {};
  var draining = null;
  var saveTimer = null;

  box.hidden = false;
  document.querySelectorAll("[data-js-only]").forEach(function (element) {
    element.hidden = false;
  });

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (all, key) {
      return values[key] !== undefined ? values[key] : all;
    });
  }

  function newClientId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20),
      hex.slice(20)].join("-");
  }

  // --- places: the territory list kept on the phone ---------------------------------------

  function fill(select, units, value) {
    if (!select) return;
    select.textContent = "";
    var blank = document.createElement("option");
    blank.value = "";
    blank.textContent = S.choose;
    select.appendChild(blank);
    (units || []).forEach(function (unit) {
      var option = document.createElement("option");
      option.value = unit.code;
      option.textContent = unit.name;
      select.appendChild(option);
    });
    select.value = value || "";
  }

  function loadTerritory() {
    return fetch(form.dataset.territoryUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (territory) {
        if (!territory) return;
        territory.provinces.concat(territory.districts).forEach(function (unit) {
          (children[unit.parent] = children[unit.parent] || []).push(unit);
        });
      })
      .catch(function () { /* the server's options stay */ });
  }

  function setPlace(departmentCode, provinceCode, districtCode) {
    department.value = departmentCode || "";
    if (children[department.value]) fill(province, children[department.value], provinceCode);
    else if (!department.value) fill(province, [], "");
    if (children[province.value]) fill(district, children[province.value], districtCode);
    else if (!province.value) fill(district, [], "");
  }

  department.addEventListener("change", function () {
    fill(province, children[department.value], "");
    fill(district, [], "");
  });
  province.addEventListener("change", function () {
    fill(district, children[province.value], "");
  });

  // --- location of the phone --------------------------------------------------------------

  var locate = form.querySelector("[data-geolocate]");
  var locateStatus = form.querySelector("[data-geolocate-status]");
  locate.addEventListener("click", function () {
    if (!navigator.geolocation) { locateStatus.textContent = S.no_location; return; }
    locateStatus.textContent = S.locating;
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.namedItem("latitude").value = position.coords.latitude.toFixed(6);
      form.elements.namedItem("longitude").value = position.coords.longitude.toFixed(6);
      locateStatus.textContent = format(S.located, { m: Math.round(position.coords.accuracy) });
      scheduleSave();
    }, function () {
      locateStatus.textContent = S.no_location;
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  });

  // --- photos: kept by the script (so drafts and the outbox hold them) ---------------------

  function renderPhotos() {
    photoList.textContent = "";
    photoList.hidden = photos.length === 0;
    photos.forEach(function (photo, index) {
      var item = document.createElement("li");
      item.textContent = photo.name + " (" + Math.ceil(photo.blob.size / 1024) + " KB)";
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "link";
      remove.textContent = S.remove_photo;
      remove.addEventListener("click", function () {
        photos.splice(index, 1);
        renderPhotos();
        scheduleSave();
      });
      item.appendChild(remove);
      photoList.appendChild(item);
    });
  }

  photoInput.addEventListener("change", function () {
    var problems = [];
    Array.prototype.forEach.call(photoInput.files, function (file) {
      if (photos.length >= Number(S.max_photos)) {
        if (problems.indexOf(S.too_many_photos) === -1) problems.push(S.too_many_photos);
      } else if (ACCEPTED.indexOf(file.type) === -1) {
        problems.push(format(S.photo_type, { name: file.name }));
      } else if (file.size > Number(S.max_photo_bytes)) {
        problems.push(format(S.photo_too_big, { name: file.name }));
      } else {
        photos.push({ name: file.name, type: file.type, blob: file });
      }
    });
    photoInput.value = "";
    showErrors(problems.length ? { photos: problems } : {});
    renderPhotos();
    scheduleSave();
  });

  // --- errors next to the fields ----------------------------------------------------------

  function showErrors(errors) {
    form.querySelectorAll("[data-errors-for]").forEach(function (holder) {
      var messages = errors[holder.dataset.errorsFor] || [];
      holder.textContent = "";
      var field = holder.closest(".field");
      if (field) field.classList.toggle("has-error", messages.length > 0);
      if (!messages.length) return;
      var ul = document.createElement("ul");
      ul.className = "errorlist";
      messages.forEach(function (message) {
        var li = document.createElement("li");
        li.textContent = message;
        ul.appendChild(li);
      });
      holder.appendChild(ul);
    });
    var first = form.querySelector(".has-error input, .has-error select, .has-error textarea");
    if (first && Object.keys(errors).length) first.focus();
  }

  function validate(fields) {
    var errors = {};
    if (!(fields.description || "").trim()) errors.description = [S.need_description];
    if (!fields.place_department && !(fields.latitude && fields.longitude)) {
      errors.place_department = [S.need_place];
    }
    showErrors(errors);
    return Object.keys(errors).length === 0;
  }

  // --- the form's values, drafts ----------------------------------------------------------

  function collect() {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || SKIPPED.indexOf(element.name) !== -1) return;
      if (element.type === "submit" || element.type === "button" || element.type === "file") return;
      fields[element.name] = element.value;
    });
    return fields;
  }

  function restore(fields) {
    setPlace(fields.place_department, fields.place_province, fields.place_district);
    Object.keys(fields).forEach(function (name) {
      if (name.indexOf("place_") === 0) return;
      var element = form.elements.namedItem(name);
      if (element && element.type !== "hidden") element.value = fields[name];
      else if (element && name === "institution") element.value = fields[name] || element.value;
    });
  }

  function clearForm() {
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || SKIPPED.indexOf(element.name) !== -1) return;
      if (element.type === "hidden" || element.type === "submit" || element.type === "button") return;
      if (element.tagName === "SELECT") {
        var chosen = element.querySelector("option[selected]");
        element.value = element.name === "institution" ? element.value
          : chosen ? chosen.value : "";
      } else {
        element.value = "";
      }
    });
    setPlace("", "", "");
    photos = [];
    renderPhotos();
    showErrors({});
    clientInput.value = newClientId();
  }

  function saveDraft() {
    saveTimer = null;
    return Outbox.putDraft({
      client_id: clientInput.value,
      fields: collect(),
      photos: photos.slice(),
      saved_at: new Date().toISOString()
    }).catch(function () { /* storage full or refused: the form still works */ });
  }

  function scheduleSave() {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(saveDraft, 400);
  }

  form.addEventListener("input", scheduleSave);
  form.addEventListener("change", scheduleSave);

  form.querySelector("[data-discard-draft]").addEventListener("click", function () {
    if (saveTimer) { clearTimeout(saveTimer); saveTimer = null; }
    Outbox.removeDraft().then(function () {
      clearForm();
      draftStatus.textContent = "";
    });
  });

  // --- the outbox -------------------------------------------------------------------------

  function label(item) {
    var names = [];
    [["place_department", department], ["place_province", province],
      ["place_district", district]].forEach(function (pair) {
      var code = item.fields[pair[0]];
      var option = code && pair[1].querySelector("option[value='" + code + "']");
      if (option) names.push(option.textContent);
    });
    var when = new Date(item.created_at).toLocaleString("es-PE", {
      day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"
    });
    var text = (item.fields.description || "").slice(0, 60);
    return when + " · " + (names.length ? names.join(", ") + " · " : "") + text;
  }

  function errorText(item) {
    var parts = [];
    Object.keys(item.errors || {}).forEach(function (name) {
      parts = parts.concat(item.errors[name]);
    });
    return parts.length ? parts.join(" ") : item.detail;
  }

  function fixItem(item) {
    clearForm();
    restore(item.fields);
    clientInput.value = item.client_id;
    photos = (item.photos || []).slice();
    renderPhotos();
    showErrors(item.errors || { __all__: [item.detail] });
    return saveDraft().then(function () { return Outbox.remove(item.client_id); })
      .then(renderOutbox);
  }

  function renderOutbox() {
    return Outbox.all().then(function (items) {
      var pending = items.filter(function (item) {
        return item.state === "pending" && item.owner === userId;
      });
      countText.textContent = pending.length === 0 ? S.pending_none
        : pending.length === 1 ? S.pending_one
          : format(S.pending_many, { n: pending.length });
      countText.dataset.pending = String(pending.length);
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = label(item);
        if (item.owner !== userId) {
          li.textContent += " — " + S.other_account;
        } else if (item.state === "error") {
          li.className = "is-error";
          li.textContent += " — " + S.has_errors + " " + errorText(item);
          var fix = document.createElement("button");
          fix.type = "button";
          fix.className = "btn btn-secondary";
          fix.textContent = S.fix;
          fix.addEventListener("click", function () { fixItem(item); });
          var discard = document.createElement("button");
          discard.type = "button";
          discard.className = "btn btn-secondary";
          discard.textContent = S.discard;
          discard.addEventListener("click", function () {
            if (window.confirm(S.discard_confirm)) {
              Outbox.remove(item.client_id).then(renderOutbox);
            }
          });
          li.appendChild(fix);
          li.appendChild(discard);
        }
        list.appendChild(li);
      });
      return pending.length;
    });
  }

  // Show a drain's outcome (the page's own, or the service worker's by Background Sync).
  function report(result) {
    var before = Number(countText.dataset.pending || 0);
    result.sent.forEach(function (item) {
      if (sentList.querySelector("[data-sent-client-id='" + item.client_id + "']")) return;
      var li = document.createElement("li");
      li.textContent = S.sent + " " + label(item);
      li.dataset.sentClientId = item.client_id;
      sentList.appendChild(li);
    });
    return renderOutbox().then(function (pending) {
      // Nothing left: whoever sent it (this page or the service worker), it arrived.
      if (pending === 0) {
        if (result.sent.length || before > 0) statusText.textContent = S.all_sent;
        else if (statusText.textContent === S.sending) statusText.textContent = "";
        return;
      }
      if (result.status === "login") statusText.textContent = S.login;
      else if (result.status === "offline") statusText.textContent = S.offline;
      else if (result.status === "failed") statusText.textContent = S.failed;
      else if (result.sent.length) statusText.textContent = S.sent;
      else if (statusText.textContent === S.sending) statusText.textContent = "";
    });
  }

  function drain() {
    if (draining) return draining;
    if (Number(countText.dataset.pending || 0) > 0) statusText.textContent = S.sending;
    draining = Outbox.drain(formUrl).then(report, function () {
      statusText.textContent = S.failed;
    }).then(function () { draining = null; });
    return draining;
  }

  function requestSync() {
    if (!navigator.serviceWorker) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register(form.dataset.syncTag);
      return undefined;
    }).catch(function () { /* no Background Sync: the page sends on its own */ });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var fields = collect();
    if (!validate(fields)) return;
    if (saveTimer) { clearTimeout(saveTimer); saveTimer = null; }
    // Keyed by its client id: submitting the same form twice keeps one item.
    var item = {
      client_id: clientInput.value,
      owner: userId,
      created_at: new Date().toISOString(),
      fields: fields,
      photos: photos.slice(),
      state: "pending"
    };
    Outbox.put(item).then(function () {
      return Outbox.removeDraft();
    }).then(function () {
      if (clientInput.value === item.client_id) clearForm();
      draftStatus.textContent = "";
      statusText.textContent = S.queued;
      return renderOutbox();
    }).then(function () {
      requestSync();
      return drain();
    });
  });

  box.querySelector("[data-outbox-retry]").addEventListener("click", drain);

  function showConnection() { connection.hidden = navigator.onLine !== false; }
  window.addEventListener("online", function () { showConnection(); drain(); });
  window.addEventListener("offline", showConnection);
  showConnection();

  if (navigator.serviceWorker) {
    navigator.serviceWorker.register(form.dataset.serviceWorker).catch(function () {
      /* no service worker (not HTTPS): the outbox still works while the page is open */
    });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "willaq-outbox" && event.data.sent.length) {
        report({ status: "done", sent: event.data.sent });
      }
    });
  }

  // Start: the territory list, then the draft, then whatever waits in the outbox.
  clientInput.value = newClientId();
  loadTerritory().then(function () {
    // A department chosen before the list arrived (a slow line): fill what hangs below it now.
    if (department.value) setPlace(department.value, province.value, district.value);
    return Outbox.getDraft();
  }).then(function (draft) {
    if (!draft) return;
    restore(draft.fields || {});
    clientInput.value = draft.client_id || clientInput.value;
    photos = draft.photos || [];
    renderPhotos();
    var hasText = Object.keys(draft.fields || {}).some(function (name) {
      return name !== "urgency" && name !== "institution" && draft.fields[name];
    });
    if (hasText || photos.length) draftStatus.textContent = S.draft_restored;
  }).catch(function () { /* no storage: a plain form with a client id */ })
    .then(renderOutbox)
    .then(drain);
})();
