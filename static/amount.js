// Amount fields: a live preview of how the server reads what is typed ("1,2 mln" → "€ 1.200.000"), and the
// readings of an ambiguous amount as buttons. Progressive enhancement: the form works without it, and the
// server (hub/money.py, behind /funding/amount-preview) stays the one authority on what an amount means.
(function () {
  "use strict";

  function preview(input) {
    var out = document.getElementById(input.id + "-preview");
    var currency = input.dataset.currencyInput ? document.getElementById(input.dataset.currencyInput) : null;
    var asked = 0;
    var timer = null;
    function ask() {
      var mine = ++asked;
      if (!input.value.trim()) {
        out.textContent = "";
        return;
      }
      var query = new URLSearchParams({kind: input.dataset.amount, text: input.value,
                                       currency: currency && currency.value ? currency.value : "EUR"});
      fetch(input.dataset.previewUrl + "?" + query, {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (!body || mine !== asked) return;
          out.textContent = body.preview ? "= " + body.preview : body.question || body.error || "";
          out.classList.toggle("amount-question", !body.preview);
        })
        .catch(function () { out.textContent = ""; });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
    if (input.value && !input.getAttribute("aria-invalid")) ask();
  }

  document.querySelectorAll("input[data-amount][data-preview-url]").forEach(preview);
  document.querySelectorAll("button[data-amount-choice]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var input = document.getElementById(button.dataset.for);
      input.value = button.dataset.amountChoice;
      input.dispatchEvent(new Event("input"));
      input.focus();
    });
  });
})();
