/* ontrack: the search page. Pagefind's bundle answers in the page's language; it needs http(s), not file://. */
(function () {
  "use strict";
  var app = document.getElementById("search-app");
  if (!app) { return; }
  var text = JSON.parse(app.dataset.text);
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var form = document.getElementById("search-form");
  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  if (window.location.protocol === "file:") {
    document.getElementById("search-offline").hidden = false;
    return;
  }
  function say(key, values) {
    return text[key].replace(/\{(\w+)\}/g, function (match, name) { return name in values ? values[name] : match; });
  }
  var loading = null;
  function pagefind() {
    if (!loading) {
      loading = import(new URL(app.dataset.bundle, window.location.href).href).then(function (pf) {
        return pf.options({baseUrl: new URL(app.dataset.root, window.location.href).pathname}).then(function () { return pf; });
      });
    }
    return loading;
  }
  function show(results, q) {
    list.textContent = "";
    results.forEach(function (result) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = result.url;
      link.textContent = (result.meta && result.meta.title) || result.url;
      var excerpt = document.createElement("p");
      // Pagefind's excerpt is text from this site's own pages, escaped by Pagefind, with <mark> around the hits.
      excerpt.innerHTML = result.excerpt;
      item.appendChild(link);
      item.appendChild(excerpt);
      list.appendChild(item);
    });
    status.textContent = results.length ? say(results.length === 1 ? "found_one" : "found", {n: results.length, q: q}) : say("none", {q: q});
  }
  function run(q) {
    q = q.trim();
    if (!q) { list.textContent = ""; status.textContent = ""; return; }
    status.textContent = text.searching;
    pagefind().then(function (pf) { return pf.search(q); }).then(function (search) {
      return Promise.all(search.results.slice(0, 25).map(function (r) { return r.data(); }));
    }).then(function (results) { show(results, q); }).catch(function () { status.textContent = text.failed; });
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var q = input.value;
    try { window.history.replaceState(null, "", "?q=" + encodeURIComponent(q)); } catch (e) { /* ignore */ }
    run(q);
  });
  run(query);
})();
