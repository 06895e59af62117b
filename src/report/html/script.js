(function () {
  "use strict";
  // Progressive enhancement only: without this script the page is complete, in the
  // server-side order (potential gain, then severity), with every <details> working.
  var list = document.getElementById("rec-list");
  var tools = document.getElementById("rec-tools");
  if (!list || !tools) { return; }
  function byId(id) { return document.getElementById(id); }
  var severity = byId("f-severity"), control = byId("f-control"), state = byId("f-state");
  var sort = byId("f-sort"), count = byId("f-count"), none = byId("f-none");
  var items = Array.prototype.slice.call(list.querySelectorAll("details.rec"));
  var rank = { High: 0, Medium: 1, Low: 2 };
  function num(el, key) { var n = parseFloat(el.getAttribute("data-" + key)); return isNaN(n) ? 0 : n; }
  function sev(el) { var s = el.getAttribute("data-severity"); return s in rank ? rank[s] : 3; }
  function title(el) { var t = el.querySelector(".t"); return t ? t.textContent : ""; }
  var orders = {
    gain: function (a, b) { return num(b, "gain") - num(a, "gain"); },
    severity: function (a, b) { return sev(a) - sev(b); },
    unhealthy: function (a, b) { return num(b, "unhealthy") - num(a, "unhealthy"); },
    title: function (a, b) { return title(a).localeCompare(title(b)); }
  };
  function matches(el, select, key) { return !select.value || el.getAttribute("data-" + key) === select.value; }
  function apply() {
    var shown = 0;
    items.forEach(function (el) {
      var ok = matches(el, severity, "severity") && matches(el, control, "control") && matches(el, state, "state");
      el.hidden = !ok;
      if (ok) { shown += 1; }
    });
    var order = orders[sort.value] || orders.gain;
    // Ties keep the page's own order, so "severity" reads as severity, then gain.
    items.slice().sort(function (a, b) { return order(a, b) || num(a, "order") - num(b, "order"); })
      .forEach(function (el) { list.appendChild(el); });
    count.textContent = shown + " of " + items.length + " shown";
    none.hidden = shown !== 0;
  }
  [severity, control, state, sort].forEach(function (el) { el.addEventListener("change", apply); });
  tools.hidden = false;
  apply();
  // Printing shows every recommendation and alert opened; the reader's choice comes back after.
  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) { return !d.open; });
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });
}());
