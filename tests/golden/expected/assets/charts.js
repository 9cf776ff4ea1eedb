/* ontrack: make the charts that were drawn at build time interactive (tooltips).
 *
 * Loaded with `defer`, only on pages with charts. Each
 * <figure class="chart" data-spec="ID"> holds a static <svg>; ID names a
 * <script type="application/json"> with the chart's Vega-Lite spec. The spec is
 * drawn again with vega-embed next to the static SVG, which is removed only once
 * the new one is there: without JavaScript, or if anything fails, the static SVG
 * stays.
 *
 * A chart is redrawn only when a reader reaches for it (pointer over it, a
 * touch, keyboard focus inside it), and the chart bundle (vega.js, 300 KB
 * gzipped, named by this script's data-bundle attribute) is fetched then, once.
 * Loading it with every page and drawing every chart at once cost a phone on a
 * slow link about 2 s before the text settled and seconds of a busy main thread
 * (Lighthouse, mobile: performance 51 on a programme page), for tooltips that
 * most readers never ask for.
 *
 * No other network requests: the data is inline, and vega-embed's action menu
 * (which links to the online editor) is off. Vega charts have no animation, so
 * prefers-reduced-motion needs nothing from this script.
 */
(function () {
  "use strict";

  var self = document.currentScript;
  var bundleUrl = self && self.getAttribute("data-bundle");
  if (!bundleUrl || !window.Promise || !document.querySelectorAll) {
    return;
  }
  var bundle = null;

  /* A promise of vega-embed: the bundle's <script> is added on the first call only. */
  function loadBundle() {
    if (!bundle) {
      bundle = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = bundleUrl;
        tag.onload = function () {
          if (typeof window.ontrackVegaEmbed === "function") {
            resolve(window.ontrackVegaEmbed);
          } else {
            reject(new Error("the chart bundle defines no ontrackVegaEmbed"));
          }
        };
        tag.onerror = function () { reject(new Error("the chart bundle did not load: " + bundleUrl)); };
        document.head.appendChild(tag);
      });
    }
    return bundle;
  }

  function makeInteractive(figure) {
    var source = document.getElementById(figure.getAttribute("data-spec"));
    var staticSvg = figure.querySelector("svg");
    if (!source || !staticSvg) {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var container = document.createElement("div");
    container.className = "chart-interactive";
    container.hidden = true;
    staticSvg.parentNode.insertBefore(container, staticSvg.nextSibling);

    loadBundle().then(function (embed) {
      // The page language's number format (decimal comma, thousands separator), as in the static SVG:
      // generator/charts/designs.py puts it in the spec. vega-embed sets it for the whole page.
      var formatLocale = spec.usermeta && spec.usermeta.formatLocale;
      return embed(container, spec, { actions: false, renderer: "svg", formatLocale: formatLocale || undefined });
    }).then(function () {
      var svg = container.querySelector("svg");
      if (!svg) {
        throw new Error("vega-embed drew no SVG");
      }
      // Keep the accessible name and description of the static chart: move its
      // <title> and <desc> (with their ids) into the new SVG.
      var labelledBy = staticSvg.getAttribute("aria-labelledby");
      Array.prototype.slice.call(staticSvg.querySelectorAll(":scope > title, :scope > desc"))
        .reverse().forEach(function (node) { svg.insertBefore(node, svg.firstChild); });
      svg.setAttribute("role", "img");
      svg.setAttribute("focusable", "false");
      // Vega gives each mark a role ("graphics-symbol") but no name: inside an image they mean
      // nothing and fail WCAG 1.1.1 checks, so they go, as in the static SVG (generator/charts/svg.py).
      Array.prototype.forEach.call(svg.querySelectorAll("[role], [aria-roledescription], [aria-label], [aria-hidden]"),
        function (node) {
          ["role", "aria-roledescription", "aria-label", "aria-hidden"].forEach(function (name) {
            node.removeAttribute(name);
          });
        });
      if (labelledBy) {
        svg.setAttribute("aria-labelledby", labelledBy);
        svg.removeAttribute("aria-label");
      }
      // Same scaling as the static SVG: with a viewBox, CSS sets the size.
      if (svg.hasAttribute("viewBox")) {
        svg.removeAttribute("width");
        svg.removeAttribute("height");
      }
      // vega-embed names its container "Vega visualization"; the SVG inside is named already.
      ["role", "aria-roledescription", "aria-label"].forEach(function (name) {
        container.removeAttribute(name);
      });
      staticSvg.parentNode.removeChild(staticSvg);
      container.hidden = false;
    }).catch(function (error) {
      if (container.parentNode) {
        container.parentNode.removeChild(container);
      }
      if (window.console) {
        window.console.warn("ontrack: chart left static:", error);
      }
    });
  }

  var triggers = ["pointerenter", "touchstart", "focusin"];

  function onFirstUse(event) {
    var figure = event.currentTarget;
    triggers.forEach(function (type) { figure.removeEventListener(type, onFirstUse); });
    try {
      makeInteractive(figure);
    } catch (error) {
      if (window.console) {
        window.console.warn("ontrack: chart left static:", error);
      }
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("figure.chart[data-spec]"), function (figure) {
    triggers.forEach(function (type) { figure.addEventListener(type, onFirstUse, { passive: true }); });
  });
})();
