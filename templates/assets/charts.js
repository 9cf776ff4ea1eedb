/* ontrack: make the charts that were drawn at build time interactive (tooltips).
 *
 * Loaded with `defer`, after vega.js, only on pages with charts. Each
 * <figure class="chart" data-spec="ID"> holds a static <svg>; ID names a
 * <script type="application/json"> with the chart's Vega-Lite spec. The spec is
 * drawn again with vega-embed next to the static SVG, which is removed only once
 * the new one is there: without JavaScript, or if anything fails, the static SVG
 * stays. No network requests: the data is inline, and vega-embed's action menu
 * (which links to the online editor) is off. Vega charts have no animation, so
 * prefers-reduced-motion needs nothing from this script.
 */
(function () {
  "use strict";

  var embed = window.ontrackVegaEmbed;
  if (typeof embed !== "function" || !window.Promise || !document.querySelectorAll) {
    return;
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

    embed(container, spec, { actions: false, renderer: "svg" }).then(function () {
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

  Array.prototype.forEach.call(document.querySelectorAll("figure.chart[data-spec]"), function (figure) {
    try {
      makeInteractive(figure);
    } catch (error) {
      if (window.console) {
        window.console.warn("ontrack: chart left static:", error);
      }
    }
  });
})();
