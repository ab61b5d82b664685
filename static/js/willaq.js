/* Behaviour shared by every page, written here rather than inline so the Content-Security-Policy
   can refuse inline scripts and handlers (config/settings.py). Every form works without it. */
(function () {
  "use strict";

  // <form data-confirm="¿…?">: ask before submitting (destructive or state-changing actions).
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
    if (!window.confirm(form.dataset.confirm)) evt.preventDefault();
  }, true);

  // <select data-autosubmit>: submit its form on change (the language switcher).
  document.addEventListener("change", function (evt) {
    var elt = evt.target;
    if (elt instanceof HTMLSelectElement && elt.hasAttribute("data-autosubmit") && elt.form) {
      elt.form.submit();
    }
  });

  // <input data-select-on-focus>: select the whole value (a new API token, to copy it).
  document.addEventListener("focusin", function (evt) {
    var elt = evt.target;
    if (elt instanceof HTMLInputElement && elt.hasAttribute("data-select-on-focus")) elt.select();
  });
})();
