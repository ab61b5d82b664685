// The public complaint form (/denuncias/nueva/): fills the province and district selects from
// the public territory list, hides the name and contact when the complaint is anonymous, and
// fills the coordinates from the phone's location. The form works without this script.
(function () {
  "use strict";
  var form = document.querySelector("[data-complaint-form]");
  if (!form) { return; }
  var levels = {};
  form.querySelectorAll("[data-place-level]").forEach(function (select) {
    levels[select.getAttribute("data-place-level")] = select;
  });
  var territory = null;

  function fill(select, units, parent) {
    var chosen = select.value;
    var first = select.options[0] ? select.options[0].cloneNode(true) : new Option("—", "");
    select.innerHTML = "";
    select.appendChild(first);
    units.forEach(function (unit) {
      if (unit.parent !== parent) { return; }
      var option = new Option(unit.name, unit.code);
      if (unit.code === chosen) { option.selected = true; }
      select.appendChild(option);
    });
  }

  function refresh(level) {
    if (!territory) { return; }
    if (level === "department") {
      fill(levels.province, territory.provinces, levels.department.value);
      fill(levels.district, [], "");
    } else if (level === "province") {
      fill(levels.district, territory.districts, levels.province.value);
    }
  }

  if (levels.department && levels.province && levels.district) {
    fetch(form.getAttribute("data-territory-url"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        territory = data;
        // A place chosen before the list arrived (a slow line): fill what hangs below it now.
        if (territory && levels.department.value) {
          fill(levels.province, territory.provinces, levels.department.value);
          fill(levels.district, territory.districts, levels.province.value);
        }
      })
      .catch(function () { territory = null; });
    levels.department.addEventListener("change", function () { refresh("department"); });
    levels.province.addEventListener("change", function () { refresh("province"); });
  }

  var anonymous = form.querySelector("input[name=is_anonymous]");
  var identity = form.querySelector("[data-identity]");
  function toggleIdentity() {
    if (anonymous && identity) { identity.hidden = anonymous.checked; }
  }
  if (anonymous) {
    anonymous.addEventListener("change", toggleIdentity);
    toggleIdentity();
  }

  form.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
  var locate = form.querySelector("[data-geolocate]");
  var status = form.querySelector("[data-geolocate-status]");
  if (locate && navigator.geolocation) {
    locate.addEventListener("click", function () {
      status.textContent = "…";
      navigator.geolocation.getCurrentPosition(function (position) {
        form.querySelector("input[name=latitude]").value = position.coords.latitude.toFixed(6);
        form.querySelector("input[name=longitude]").value = position.coords.longitude.toFixed(6);
        status.textContent = "✓";
      }, function () { status.textContent = "✗"; }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }
  form.addEventListener("submit", function () {
    var button = form.querySelector("[data-submit]");
    if (button) { button.disabled = true; }
  });
})();
