/* ontrack: progressive enhancement for the programmes index (filter, sort, the compare tray). Everything works without it. */

/* What the scripts say, in the page's language: base.html puts the translated sentences in #ontrack-text. */
var say = (function () {
  "use strict";
  var source = document.getElementById("ontrack-text");
  var text = source ? JSON.parse(source.textContent) : {};
  return function (key, values) {
    return (text[key] || key).replace(/\{(\w+)\}/g, function (match, name) {
      return name in values ? String(values[name]) : match;
    });
  };
})();

/* Boxes that scroll sideways (wide tables on a phone) are focusable in the HTML, so that keyboard
   users can scroll them (WCAG 2.1.1). Where a box fits its content there is nothing to scroll: its tab stop goes. */
(function () {
  "use strict";
  var boxes = document.querySelectorAll(".table-scroll[tabindex]");
  if (!boxes.length) { return; }
  function update() {
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.scrollWidth > box.clientWidth + 1) { box.setAttribute("tabindex", "0"); }
      else if (box !== document.activeElement) { box.removeAttribute("tabindex"); }
    });
  }
  var pending = false;
  window.addEventListener("resize", function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; update(); });
  });
  // A closed <details> hides its table: measure again when one opens.
  document.addEventListener("toggle", update, true);
  update();
})();

(function () {
  "use strict";
  var table = document.getElementById("programme-table");
  var form = document.getElementById("filters");
  if (!table || !form) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var status = document.getElementById("filter-status");
  var controls = {
    text: document.getElementById("f-text"),
    country: document.getElementById("f-country"),
    field: document.getElementById("f-field"),
    level: document.getElementById("f-level")
  };
  form.hidden = false;

  function applyFilters() {
    var text = controls.text.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (!controls.country.value || row.dataset.country === controls.country.value) &&
        (!controls.field.value || row.dataset.field === controls.field.value) &&
        (!controls.level.value || row.dataset.level === controls.level.value) &&
        (!text || row.cells[0].textContent.toLowerCase().indexOf(text) !== -1);
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    status.textContent = shown === rows.length ? say("showing_all", {n: rows.length}) :
      say("showing", {shown: shown, n: rows.length});
  }
  Object.keys(controls).forEach(function (key) {
    controls[key].addEventListener(key === "text" ? "input" : "change", applyFilters);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); applyFilters(); });

  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (th, index) {
    var kind = th.dataset.sort;
    if (!kind) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var keyed = rows.map(function (row) {
        var cell = row.cells[index];
        var key = kind === "number" ? parseFloat(cell.dataset.value || cell.textContent) : cell.textContent.trim().toLowerCase();
        return { row: row, key: key };
      });
      keyed.sort(function (a, b) {
        if (a.key < b.key) { return ascending ? -1 : 1; }
        if (a.key > b.key) { return ascending ? 1 : -1; }
        return 0;
      });
      keyed.forEach(function (item) { body.appendChild(item.row); });
      status.textContent = say(ascending ? "sorted_asc" : "sorted_desc", {column: button.textContent});
    });
  });

  /* The order chosen in the form: the one way to sort on a phone, where the column headers are out of sight. */
  var order = document.getElementById("f-sort");
  if (order) {
    var byOrder = {
      name: function (a, b) { return a.cells[0].textContent.trim().localeCompare(b.cells[0].textContent.trim()); },
      emp: function (a, b) { return parseFloat(b.dataset.emp) - parseFloat(a.dataset.emp); },
      // Amounts in different currencies are not comparable: each currency's programmes together, highest first.
      earn: function (a, b) {
        var hiddenA = parseFloat(a.dataset.earn) < 0, hiddenB = parseFloat(b.dataset.earn) < 0;
        if (hiddenA !== hiddenB) { return hiddenA ? 1 : -1; }
        if (a.dataset.currency !== b.dataset.currency) { return a.dataset.currency < b.dataset.currency ? -1 : 1; }
        return parseFloat(b.dataset.earn) - parseFloat(a.dataset.earn);
      }
    };
    order.addEventListener("change", function () {
      var compare = byOrder[order.value];
      // Array.prototype.sort is stable: ties keep the country-then-name order.
      var sorted = compare ? rows.slice().sort(compare) : rows;
      sorted.forEach(function (row) { body.appendChild(row); });
      headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
      status.textContent = say("ordered", {order: order.options[order.selectedIndex].textContent});
    });
  }
})();

/* The "Compare selected" tray: how many are ticked out of the limit, and no more than the limit. */
(function () {
  "use strict";
  var tray = document.querySelector(".compare-tray");
  if (!tray) { return; }
  var limit = parseInt(tray.dataset.limit, 10) || 6;
  var count = document.getElementById("compare-count");
  var form = tray.closest("form");
  function ticked() { return form.querySelectorAll("input[name=p]:checked").length; }
  function update() { count.textContent = say("chosen", {count: ticked(), limit: limit}); }
  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.name !== "p") { return; }
    if (box.checked && ticked() > limit) {
      box.checked = false;
      count.textContent = say("limit", {limit: limit});
      return;
    }
    update();
  });
  tray.classList.add("compare-tray-live");
  // A keyboard user's next checkbox must not hide under the tray (WCAG 2.4.11): the page scrolls it above.
  document.documentElement.classList.add("has-compare-tray");
  update();
})();
