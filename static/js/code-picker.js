// Several records by their codes (willaq.core.widgets.CodePickerInput: places, cases): the text
// box of codes stays the form's value (and the whole field without JavaScript); this script
// hides it and offers instead a search by name (the widget's URL, ?q=) whose results add a
// record, and the chosen ones by name (?codes=), each with a button that removes it.
(function () {
  "use strict";

  function codesOf(input) {
    return input.value.split(/[\s,;]+/).filter(function (code) { return code !== ""; });
  }

  function setup(input) {
    var url = input.getAttribute("data-search-url");
    var names = {};
    var box = document.createElement("div");
    box.className = "code-picker";
    var chips = document.createElement("ul");
    chips.className = "picker-chips";
    chips.setAttribute("aria-live", "polite");
    var search = document.createElement("input");
    search.type = "search";
    search.id = input.id + "_search";
    search.autocomplete = "off";
    search.placeholder = input.getAttribute("data-search-label");
    search.setAttribute("data-picker-search", "");
    var results = document.createElement("ul");
    results.className = "picker-results";
    results.hidden = true;
    box.appendChild(chips);
    box.appendChild(search);
    box.appendChild(results);
    input.insertAdjacentElement("afterend", box);
    input.hidden = true;
    // The field's label names the search now (or the search names itself).
    var label = document.querySelector("label[for='" + input.id + "']");
    if (label) { label.setAttribute("for", search.id); }
    else { search.setAttribute("aria-label", input.getAttribute("data-search-label")); }

    function render() {
      chips.textContent = "";
      codesOf(input).forEach(function (code) {
        var item = document.createElement("li");
        item.setAttribute("data-code", code);
        var text = document.createElement("span");
        text.textContent = names[code] ? names[code] + " (" + code + ")" : code;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn-link";
        remove.textContent = "×";
        remove.setAttribute("aria-label", input.getAttribute("data-remove-label") + " " + (names[code] || code));
        remove.addEventListener("click", function () {
          input.value = codesOf(input).filter(function (c) { return c !== code; }).join(", ");
          render();
          search.focus();
        });
        item.appendChild(text);
        item.appendChild(remove);
        chips.appendChild(item);
      });
    }

    function get(params) {
      return fetch(url + "?" + new URLSearchParams(params).toString(), {
        credentials: "same-origin", headers: { Accept: "application/json" }
      }).then(function (response) { return response.ok ? response.json() : []; });
    }

    function add(unit) {
      names[unit.code] = unit.full_name;
      var codes = codesOf(input);
      if (codes.indexOf(unit.code) === -1) { codes.push(unit.code); }
      input.value = codes.join(", ");
      search.value = "";
      results.hidden = true;
      render();
      search.focus();
    }

    var asked = 0;
    function lookup() {
      var query = search.value.trim();
      var mine = ++asked;
      if (query.length < 2) { results.hidden = true; return; }
      get({ q: query }).then(function (units) {
        if (mine !== asked) { return; } // a later keystroke asked again
        results.textContent = "";
        if (!units.length) {
          var none = document.createElement("li");
          none.className = "muted";
          none.textContent = input.getAttribute("data-none-label");
          results.appendChild(none);
        }
        units.forEach(function (unit) {
          var item = document.createElement("li");
          var choose = document.createElement("button");
          choose.type = "button";
          choose.className = "btn-link";
          choose.setAttribute("data-code", unit.code);
          choose.textContent = unit.full_name;
          choose.addEventListener("click", function () { add(unit); });
          item.appendChild(choose);
          results.appendChild(item);
        });
        results.hidden = false;
      }).catch(function () { results.hidden = true; });
    }

    var timer = null;
    search.addEventListener("input", function () {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(lookup, 250);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        // Enter picks the first result instead of sending the form.
        event.preventDefault();
        var first = results.hidden ? null : results.querySelector("button[data-code]");
        if (first) { first.click(); }
      } else if (event.key === "Escape") {
        results.hidden = true;
      }
    });

    render();
    var initial = codesOf(input);
    if (initial.length) {
      get({ codes: initial.join(",") }).then(function (units) {
        units.forEach(function (unit) { names[unit.code] = unit.full_name; });
        render();
      }).catch(function () { /* the codes stay shown as codes */ });
    }
  }

  document.querySelectorAll("input[data-code-picker]").forEach(setup);
})();
