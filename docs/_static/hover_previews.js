/* Hover previews (docs/_ext/hover_previews.py), settings sphinx-tippy has no option for.
 *
 * sphinx-tippy copies each preview from its target's HTML. A glossary term or an API
 * entry is a <dt> and its <dd>: outside a <dl> they are no valid list for assistive
 * technology, so they get one; ids copied from the target would repeat ids of the
 * page, so they go. A preview of an equation shows only MathJax's rendering, which
 * gives the tooltip no text of its own: it is labelled with the equation's TeX, read
 * before MathJax typesets it (when the preview first opens). Previews open on hover and on keyboard focus, stay open while the
 * pointer moves onto them (their links work), and Escape closes them (WCAG 1.4.13).
 * They are placed at the end of the page's body, not inside the paragraph of the link.
 */
(function () {
  "use strict";
  if (!window.tippy) {
    return;  // a page without previews (search, index)
  }

  function tex(math) {
    return math.textContent.trim().replace(/^\\\[|\\\]$/g, "").trim();
  }

  function tidy(instance) {
    const content = instance.popper.querySelector(".tippy-content");
    const parts = Array.from(content.children);
    if (parts.length && parts.every((part) => part.matches(".math"))) {
      const box = instance.popper.querySelector(".tippy-box");
      box.setAttribute("aria-label", parts.map(tex).join(" "));
    }
    const items = content.querySelectorAll(":scope > dt, :scope > dd");
    if (items.length) {
      const list = document.createElement("dl");
      content.insertBefore(list, items[0]);
      items.forEach((item) => list.appendChild(item));
    }
    content.querySelectorAll("[id]").forEach((element) => element.removeAttribute("id"));
  }

  tippy.setDefaultProps({
    appendTo: () => document.body,
    onCreate: tidy,
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      tippy.hideAll({duration: 0});
    }
  });
})();
