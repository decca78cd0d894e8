// A table wider than the screen scrolls inside its card (site.css); such a table is made
// reachable by the keyboard (arrow keys scroll it) and named for screen readers.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll("table.grid, .scroll, .card").forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1;
      if (scrolls && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("role", el.tagName === "TABLE" ? "table" : "region");
        if (!el.hasAttribute("aria-label")) {
          var card = el.closest("section, .card");
          var heading = card && card.querySelector("h1, h2, h3");
          el.setAttribute("aria-label", (heading ? heading.textContent.trim() + "：" : "") + "表格，可左右滚动");
        }
        el.setAttribute("data-scrolls", "");
      } else if (!scrolls && el.hasAttribute("data-scrolls")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-scrolls");
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
})();
