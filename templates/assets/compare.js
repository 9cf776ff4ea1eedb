/* ontrack: the compare page. The chosen programmes live in the address (?p=CODE&p=CODE&m=12) so it can be shared.
 *
 * Laid out for a phone first: the chosen programmes as a numbered list, then one short table per figure with
 * every programme's value in one column, so that all of them are seen together at 320 px without scrolling
 * sideways (a programme-per-column table showed one and a half of three at 390 px).
 */
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
  var monthsSelect = document.getElementById("compare-months");
  var status = document.getElementById("compare-status");
  var holder = document.getElementById("compare-table");
  var share = document.getElementById("compare-share");
  var linkBox = document.getElementById("compare-url");
  var copy = document.getElementById("compare-copy");
  form.hidden = false;

  var params = new URLSearchParams(window.location.search);
  var months = params.get("m");
  data.months.forEach(function (m) {
    var option = document.createElement("option");
    option.value = m.value;
    option.textContent = m.label;
    monthsSelect.appendChild(option);
  });
  if (!data.months.some(function (m) { return m.value === months; })) { months = data.headline_months; }
  monthsSelect.value = months;

  // Every code in the address is accounted for: kept, or named in a message (never dropped silently).
  var chosen = [], unknown = [], asked = 0;
  params.getAll("p").forEach(function (value) {
    value.split(",").forEach(function (code) {
      code = code.trim();
      if (!code || chosen.indexOf(code) !== -1) { return; }
      if (!byCode[code]) { unknown.push(code); return; }
      asked += 1;
      if (chosen.length < limit) { chosen.push(code); }
    });
  });
  var opening = [];
  if (asked > limit) { opening.push(say("too_many", {count: asked, limit: limit})); }
  if (unknown.length) { opening.push(say("unknown", {codes: unknown.join(", ")})); }

  function address() {
    var query = new URLSearchParams();
    chosen.forEach(function (code) { query.append("p", code); });
    if (chosen.length && months !== data.headline_months) { query.append("m", months); }
    var text = query.toString();
    return window.location.pathname + (text ? "?" + text : "");
  }

  function element(tag, text, className) {
    var el = document.createElement(tag);
    if (text) { el.textContent = text; }
    if (className) { el.className = className; }
    return el;
  }

  /* The name a list shows: the code too where another programme has the same name and provider. */
  function details(p) {
    var parts = [];
    if (p.provider) { parts.push(p.provider); }
    parts.push(p.country, "EQF " + p.eqf);
    if (p.twin) { parts.push(p.code); }
    return parts.join(" · ");
  }

  function removeButton(p, code) {
    var remove = element("button", say("remove"), "button button-small");
    remove.type = "button";
    remove.setAttribute("aria-label", say("remove_label", {name: p.name, country: p.country}));
    remove.addEventListener("click", function () {
      chosen = chosen.filter(function (c) { return c !== code; });
      render();
      status.textContent = say("removed", {name: p.name, count: chosen.length});
      select.focus();
    });
    return remove;
  }

  function render() {
    holder.textContent = "";
    share.hidden = chosen.length === 0;
    try { window.history.replaceState(null, "", address()); } catch (e) { /* file:// in some browsers */ }
    linkBox.value = window.location.href.split("?")[0] + address().slice(window.location.pathname.length);
    if (!chosen.length) {
      holder.appendChild(element("p", say("empty")));
      return;
    }
    holder.appendChild(element("h2", say("chosen", {count: chosen.length, limit: limit})));
    var list = element("ol", "", "compare-chosen");
    chosen.forEach(function (code, index) {
      var p = byCode[code];
      var item = element("li", "", "compare-card");
      item.appendChild(element("span", String(index + 1), "compare-n"));
      var text = element("div", "", "compare-name");
      var a = element("a", p.name);
      a.href = p.url;
      text.appendChild(a);
      text.appendChild(element("div", details(p), "meta"));
      item.appendChild(text);
      item.appendChild(removeButton(p, code));
      list.appendChild(item);
    });
    holder.appendChild(list);

    var label = data.months.filter(function (m) { return m.value === months; })[0].label;
    var anyHidden = false;
    data.indicators.forEach(function (ind) {
      var section = element("section", "", "compare-figure");
      var heading = say("heading", {indicator: ind.label, months: label});
      section.appendChild(element("h3", heading));
      var table = element("table");
      var caption = element("caption", heading, "visually-hidden");
      table.appendChild(caption);
      var body = table.createTBody();
      var currencies = [];
      chosen.forEach(function (code, index) {
        var p = byCode[code];
        var figure = p.figures[months][ind.id];
        var row = body.insertRow();
        var th = element("th");
        th.scope = "row";
        th.appendChild(element("span", String(index + 1), "compare-n"));
        th.appendChild(document.createTextNode(" " + p.name));
        row.appendChild(th);
        var td = row.insertCell();
        if (figure[1]) {
          td.appendChild(element("span", figure[0], "fig-value"));
          td.appendChild(document.createTextNode(" "));
          td.appendChild(element("span", figure[1], "fig-base"));
          if (ind.id === "EARN_MED" && p.currency && currencies.indexOf(p.currency) === -1) {
            currencies.push(p.currency);
          }
        } else {
          td.appendChild(element("span", figure[0], "suppressed"));
          anyHidden = true;
        }
      });
      section.appendChild(table);
      if (currencies.length > 1) {
        section.appendChild(element("p", say("currencies", {currencies: currencies.join(", ")}), "caution"));
      }
      holder.appendChild(section);
    });
    if (anyHidden) { holder.appendChild(element("p", say("hidden"), "note")); }
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
  monthsSelect.addEventListener("change", function () {
    months = monthsSelect.value;
    render();
  });
  copy.addEventListener("click", function () {
    function fallback() {
      linkBox.focus();
      linkBox.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      status.textContent = say(done ? "copied" : "copy_failed");
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(linkBox.value).then(function () { status.textContent = say("copied"); }, fallback);
    } else {
      fallback();
    }
  });
  render();
  if (opening.length) { status.textContent = opening.join(" "); }
})();
