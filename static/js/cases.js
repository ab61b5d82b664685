/* Case registry pages: small helpers on top of HTMX. Every form still works without them. */
(function () {
  "use strict";

  function blank(select) {
    select.innerHTML = '<option value="">—</option>';
  }

  // Dependent territory selects (department → province → district). HTMX loads the children
  // of the chosen unit; here we clear the levels below when a choice is emptied or changed.
  document.addEventListener("htmx:configRequest", function (evt) {
    var elt = evt.detail.elt;
    if (!elt.matches || !elt.matches("select[data-territory-child]")) return;
    if (!elt.value) {
      evt.preventDefault();
      var child = document.getElementById(elt.dataset.territoryChild);
      if (child) blank(child);
      return;
    }
    evt.detail.parameters.parent = elt.value;
  });
  document.addEventListener("change", function (evt) {
    var elt = evt.target;
    if (!elt.matches || !elt.matches("select[data-territory-grandchild]")) return;
    var grandchild = document.getElementById(elt.dataset.territoryGrandchild);
    if (grandchild) blank(grandchild);
  });

  // Phase form: the dialogue mechanism and the institution's role only in the dialogue phase.
  function syncPhase(form) {
    var phase = form.querySelector("select[name=phase]");
    var extra = form.querySelector("[data-dialogue-fields]");
    if (!phase || !extra) return;
    extra.hidden = phase.value !== "dialogue";
  }
  document.querySelectorAll("[data-phase-form]").forEach(function (form) {
    syncPhase(form);
    form.addEventListener("change", function () { syncPhase(form); });
  });

  // Event form: choosing a sub-event type sets its ACLED event type.
  var parents = document.getElementById("sub-event-parent");
  if (parents) {
    var map = JSON.parse(parents.textContent);
    var sub = document.getElementById("id_sub_event_type");
    var type = document.getElementById("id_event_type");
    if (sub && type) {
      sub.addEventListener("change", function () {
        if (map[sub.value]) type.value = map[sub.value];
      });
      type.addEventListener("change", function () {
        if (sub.value && map[sub.value] !== type.value) sub.value = "";
      });
    }
  }

  // Event form: the protest form only for protest event types (Protests, Riots); for the other
  // types its field is hidden and emptied (the service refuses it there anyway).
  document.querySelectorAll("select[data-protest-types]").forEach(function (form) {
    var type = document.getElementById("id_event_type");
    var wrapper = document.getElementById("field-" + form.name);
    if (!type || !wrapper) return;
    var allowed = form.dataset.protestTypes.split(" ");
    function sync() {
      var ok = !type.value || allowed.indexOf(type.value) !== -1;
      wrapper.hidden = !ok;
      if (!ok) form.value = "";
    }
    sync();
    type.addEventListener("change", sync);
    var sub = document.getElementById("id_sub_event_type");
    if (sub) sub.addEventListener("change", function () { setTimeout(sync, 0); });
  });
})();
