/* Every page: small enhancements on top of HTML that works without them. No inline scripts or
   handlers anywhere (a Content-Security-Policy allows only files from /static/). */
(function () {
  "use strict";

  // The width above which folded panels (the top menu, the list's filters) start open. Keep in
  // step with the "wide" media queries of willaq.css.
  var wide = window.matchMedia("(min-width: 48rem)");

  function syncFolded() {
    document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
      details.open = wide.matches;
    });
  }
  syncFolded();
  wide.addEventListener("change", syncFolded);

  // The language switcher sends its form as soon as a language is chosen (a <noscript> button
  // does it without JavaScript).
  document.addEventListener("change", function (evt) {
    var elt = evt.target;
    if (elt.matches && elt.matches("select[data-autosubmit]") && elt.form) elt.form.submit();
  });

  // A form that asks before it does something hard to undo: <form data-confirm="¿…?">.
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.dataset.confirm)) {
      evt.preventDefault();
    }
  });

  // A value to copy (a new API token) is selected as soon as it gets the focus.
  document.addEventListener("focusin", function (evt) {
    var elt = evt.target;
    if (elt.matches && elt.matches("input[data-select-on-focus]")) elt.select();
  });

  // "Imprimir ficha": hidden without JavaScript, since it only calls the browser's print.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function (evt) {
      evt.preventDefault();
      window.print();
    });
  });

  // On paper every folded section is shown (the print stylesheet does it too where the browser
  // lets CSS open a <details>); the ones opened here are folded again afterwards.
  var openedForPrint = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("main details:not([open])").forEach(function (details) {
      details.open = true;
      openedForPrint.push(details);
    });
  });
  window.addEventListener("afterprint", function () {
    openedForPrint.forEach(function (details) { details.open = false; });
    openedForPrint = [];
  });
})();
