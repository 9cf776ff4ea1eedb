/* ontrack: the compare page. The chosen programmes live in the address (?p=CODE&p=CODE) so it can be shared. */
(function () {
  "use strict";
  var app = document.getElementById("compare-app");
  var data = window.ONTRACK_PROGRAMMES;
  if (!app || !data) { return; }
  var limit = parseInt(app.dataset.limit, 10) || 6;
  // The page's sentences, translated at build time, with {name} slots filled here.
  function say(key, values) {
    return data.text[key].replace(/\{(\w+)\}/g, function (match, name) {
      return values && name in values ? String(values[name]) : match;
    });
  }
  var byCode = {};
  data.programmes.forEach(function (p) { byCode[p.code] = p; });
  var form = document.getElementById("compare-add");
  var select = document.getElementById("compare-select");
  var status = document.getElementById("compare-status");
  var holder = document.getElementById("compare-table");
  var share = document.getElementById("compare-share");
  var link = document.getElementById("compare-link");
  form.hidden = false;

  function chosenFromUrl() {
    var params = new URLSearchParams(window.location.search);
    var codes = [];
    params.getAll("p").forEach(function (value) {
      value.split(",").forEach(function (code) {
        code = code.trim();
        if (code && byCode[code] && codes.indexOf(code) === -1 && codes.length < limit) { codes.push(code); }
      });
    });
    return codes;
  }
  var chosen = chosenFromUrl();

  function address() {
    var params = new URLSearchParams();
    chosen.forEach(function (code) { params.append("p", code); });
    var query = params.toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  function cell(tag, text, scope) {
    var el = document.createElement(tag);
    if (scope) { el.scope = scope; }
    el.textContent = text;
    return el;
  }

  function render() {
    holder.textContent = "";
    share.hidden = chosen.length === 0;
    try { window.history.replaceState(null, "", address()); } catch (e) { /* file:// in some browsers */ }
    link.href = address();
    if (!chosen.length) {
      holder.appendChild(cell("p", say("empty")));
      return;
    }
    var table = document.createElement("table");
    var caption = document.createElement("caption");
    caption.textContent = say("caption", {months: data.months_words});
    table.appendChild(caption);
    var head = table.createTHead().insertRow();
    head.appendChild(cell("th", say("figure"), "col"));
    chosen.forEach(function (code) {
      var p = byCode[code];
      var th = cell("th", "", "col");
      var a = document.createElement("a");
      a.href = p.url;
      a.textContent = p.name;
      th.appendChild(a);
      th.appendChild(cell("div", p.country + " · EQF " + p.eqf));
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button button-small";
      remove.textContent = say("remove");
      remove.setAttribute("aria-label", say("remove_label", {name: p.name, country: p.country}));
      remove.addEventListener("click", function () {
        chosen = chosen.filter(function (c) { return c !== code; });
        render();
        status.textContent = say("removed", {name: p.name, count: chosen.length});
        select.focus();
      });
      th.appendChild(remove);
      head.appendChild(th);
    });
    var body = table.createTBody();
    data.indicators.forEach(function (ind) {
      var row = body.insertRow();
      row.appendChild(cell("th", ind.label, "row"));
      chosen.forEach(function (code) {
        var f = byCode[code].figures[ind.id];
        row.appendChild(cell("td", f.text));
      });
    });
    holder.appendChild(table);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = select.value;
    if (!code) { status.textContent = say("choose"); return; }
    if (chosen.indexOf(code) !== -1) { status.textContent = say("already", {name: byCode[code].name}); return; }
    if (chosen.length >= limit) { status.textContent = say("limit", {limit: limit}); return; }
    chosen.push(code);
    render();
    status.textContent = say("added", {name: byCode[code].name, count: chosen.length});
  });
  render();
})();
