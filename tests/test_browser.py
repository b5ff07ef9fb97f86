"""The built book in a real browser: Debian's Chromium, driven by Playwright.

The site is served from 127.0.0.1; every request to any other host is blocked and
counted. Playwright never downloads a browser here: it drives /usr/bin/chromium
(``make test`` installs it with apt-get). axe-core checks every page's accessibility;
``make test`` unpacks it into the virtual environment (see the Makefile).
"""

import http.server
import re
import sys
import threading
from pathlib import Path
from urllib.parse import quote, urljoin, urlparse

import pytest

pytestmark = pytest.mark.book

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

WAIT_FOR_MATHJAX = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
}"""

# After MathJax has finished: math left unrendered, MathJax errors, raw TeX
# delimiters in the visible text (code excluded), and copy buttons.
INSPECT_PAGE = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const maths = Array.from(document.querySelectorAll("span.math, div.math"));
  const text = document.body.cloneNode(true);
  text.querySelectorAll("pre, code, script, style, mjx-container, .copybtn")
      .forEach(node => node.remove());
  const visible = text.textContent;
  return {
    math: maths.length,
    unrendered: maths.filter(m => !m.querySelector("mjx-container"))
                     .map(m => m.textContent.trim().slice(0, 80)),
    mathjax_errors: Array.from(document.querySelectorAll("mjx-merror"))
                         .map(e => e.getAttribute("data-mjx-error") || e.textContent),
    raw_tex: ["$$", "\\\\(", "\\\\[", "\\\\begin{"].filter(d => visible.includes(d)),
    output_buttons: document.querySelectorAll(".cell_output .copybtn").length,
    inputs_without_button: Array.from(document.querySelectorAll(".cell_input"))
                                .filter(c => !c.querySelector(".copybtn")).length,
  };
}"""

# Lowest contrast ratio (WCAG formula) of each kind of text on the page.
CONTRAST = """() => {
  const parse = c => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = parse(getComputedStyle(el).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const lum = c => [c.r, c.g, c.b].map(v => v / 255)
    .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4))
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = el => {
    const fg = parse(getComputedStyle(el).color);
    if (!fg) return null;
    const [a, b] = [lum(fg), lum(background(el))];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };
  const kinds = {
    prose: "article p, article li", headings: "article h1, article h2",
    inline_code: "article code.literal", code: ".cell_input pre, div.highlight pre",
    code_tokens: "div.highlight pre span", outputs: ".cell_output pre",
    navigation: "nav.bd-docs-nav a",
    grader_reports: ".rnnbook-report td, .rnnbook-report th, .rnnbook-report a",
  };
  const result = {};
  for (const [kind, selector] of Object.entries(kinds)) {
    const values = Array.from(document.querySelectorAll(selector))
      .filter(el => el.textContent.trim()).slice(0, 200).map(ratio).filter(v => v);
    if (values.length) result[kind] = Math.min(...values);
  }
  return result;
}"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A browser that navigates away closes connections mid-response: not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="module")
def site_url(built_book):
    """The built site, served from 127.0.0.1 on a free port."""
    handler = lambda *args: _QuietHandler(*args, directory=str(built_book.site))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.is_file(), "no /usr/bin/chromium: run `make test` (it installs it)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


PHONE = {"width": 375, "height": 800}  # a small phone, in CSS pixels


class Visitor:
    """A browser context that blocks and records requests to other hosts.

    ``mode`` is the colour scheme, set both as the system's and as the theme's stored
    choice; ``phone=True`` makes it a touch screen 375 px wide.
    """

    def __init__(self, browser, base, mode="light", phone=False):
        self.base = base
        self.mode = mode
        self.blocked = []
        screen = dict(viewport=PHONE, is_mobile=True, has_touch=True) if phone else \
            dict(viewport={"width": 1280, "height": 900})
        self.context = browser.new_context(color_scheme=mode, **screen)
        self.context.add_init_script(f"localStorage.setItem('mode', '{mode}')")
        self.context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if urlparse(url).scheme in ("http", "https") and urlparse(url).hostname not in LOCAL_HOSTS:
            self.blocked.append(url)
            route.abort()
        else:
            route.continue_()

    def open(self, path, redirect_to=None, wait_until="load"):
        """Load a page; return it with its console errors and failed local requests.

        A page that forwards elsewhere (``redirect_to``) is returned once it got there.
        With ``wait_until="commit"`` it is returned while it loads (see ``open_all``).
        """
        page = self.context.new_page()
        problems = []
        page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
        page.goto(f"{self.base}/{path}", wait_until=wait_until)
        if redirect_to:
            page.wait_for_url(f"{self.base}/{redirect_to}", wait_until="load")
        return page, problems


def open_all(visitors, path):
    """One page in every visitor's context, loading side by side; ``{key: (page, problems)}``.

    Each browser context has its own renderer process, so on two cores two pages load
    and typeset their math at the same time.
    """
    opened = {key: visitor.open(path, wait_until="commit") for key, visitor in visitors.items()}
    for page, _ in opened.values():
        page.wait_for_load_state("load")
        page.evaluate(WAIT_FOR_MATHJAX)
    return opened


def site_pages(site):
    """Every HTML page of the site (theme template fragments in _static excluded)."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if p.relative_to(site).parts[0] not in ("_static", "_sources"))


def content_pages(site):
    """The pages that show something: every page but those that forward elsewhere."""
    return [path for path in site_pages(site) if redirect_target(site, path) is None]


def redirect_target(site, path):
    """Where a page's meta refresh sends the browser, relative to the site; or None."""
    found = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"',
                      (site / path).read_text(encoding="utf-8"))
    if found is None:
        return None
    return (Path(path).parent / found.group(1)).as_posix().removeprefix("./")


@pytest.fixture(scope="module")
def page_reports(built_book, site_url, browser):
    """Every page, loaded once: ``{path: (problems, blocked requests, inspection)}``."""
    visitor = Visitor(browser, site_url)
    reports = {}
    for path in site_pages(built_book.site):
        page, problems = visitor.open(path, redirect_target(built_book.site, path))
        inspection = page.evaluate(INSPECT_PAGE)
        page.close()
        # Requests a page makes after "load" are blocked all the same; they are
        # counted against the page open at the time, at worst the next one.
        reports[path] = (problems, list(visitor.blocked), inspection)
        visitor.blocked.clear()
    visitor.context.close()
    reports["(after the last page)"] = ([], list(visitor.blocked), EMPTY_INSPECTION)
    return reports


EMPTY_INSPECTION = {"math": 0, "unrendered": [], "mathjax_errors": [], "raw_tex": [],
                    "output_buttons": 0, "inputs_without_button": 0}


def test_every_chapter_page_is_visited(page_reports, chapters):
    assert {f"docs/{name}.html" for name in chapters} <= set(page_reports)
    assert {"index.html", "search.html", "genindex.html"} <= set(page_reports)


def test_no_console_errors_or_failed_requests(page_reports):
    bad = {path: problems for path, (problems, _, _) in page_reports.items() if problems}
    assert not bad


def test_no_requests_to_other_hosts(page_reports):
    bad = {path: blocked for path, (_, blocked, _) in page_reports.items() if blocked}
    assert not bad


def test_every_equation_is_rendered(page_reports):
    assert sum(report["math"] for _, _, report in page_reports.values()) > 0
    for path, (_, _, report) in page_reports.items():
        assert not report["unrendered"], f"{path}: math not rendered: {report['unrendered']}"
        assert not report["mathjax_errors"], f"{path}: TeX errors: {report['mathjax_errors']}"
        assert not report["raw_tex"], f"{path}: raw TeX delimiters in the text: {report['raw_tex']}"


def test_copy_buttons_on_code_not_on_outputs(page_reports):
    for path, (_, _, report) in page_reports.items():
        assert report["output_buttons"] == 0, f"{path}: copy button on a cell output"
        assert report["inputs_without_button"] == 0, f"{path}: code cell without copy button"


FIND_DOCTEST_BLOCKS = """() => Array.from(document.querySelectorAll("div.highlight"))
    .map((block, index) => [index, block.querySelector("pre").textContent])
    .filter(([, text]) => /^>>> /m.test(text))"""


@pytest.mark.parametrize("path", ["docs/api.html", "docs/reading.html"])
def test_copying_a_doctest_gives_runnable_code(built_book, site_url, browser, path):
    if not (built_book.site / path).is_file():
        pytest.fail(f"{path} missing")
    visitor = Visitor(browser, site_url)
    visitor.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    page, _ = visitor.open(path)
    blocks = page.evaluate(FIND_DOCTEST_BLOCKS)
    if path == "docs/api.html":
        assert blocks, "the API page shows no >>> examples"
    for index, text in blocks[:3]:
        block = page.locator("div.highlight").nth(index)
        block.hover()
        block.locator("button.copybtn").click()
        copied = page.evaluate("navigator.clipboard.readText()")
        expected = "\n".join(line[4:] for line in text.splitlines()
                             if line.startswith((">>> ", "... ")))
        assert copied.rstrip("\n") == expected.rstrip("\n")
        assert ">>>" not in copied
    visitor.context.close()


def test_search_finds_the_lstm_cell_chapter(site_url, browser):
    visitor = Visitor(browser, site_url)
    page, problems = visitor.open(f"search.html?q={quote('forget gate')}")
    page.wait_for_selector("#search-results ul.search li", timeout=20_000)
    page.wait_for_function("!document.querySelector('#search-results .search-summary') "
                           "|| document.querySelector('#search-results .search-summary')"
                           ".textContent.trim() !== ''", timeout=20_000)
    links = page.eval_on_selector_all("#search-results ul.search li a",
                                      "links => links.map(a => a.getAttribute('href'))")
    assert any("lstm_cell.html" in link for link in links), links
    assert not problems and not visitor.blocked
    visitor.context.close()


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_text_is_readable_in_light_and_dark_mode(site_url, browser, mode):
    visitor = Visitor(browser, site_url, mode=mode)
    for path in ["docs/index.html", "docs/rnn_cell.html", "docs/do_it_yourself.html"]:
        page, problems = visitor.open(path)
        assert page.evaluate("document.documentElement.dataset.theme") == mode
        ratios = page.evaluate(CONTRAST)
        if path == "docs/do_it_yourself.html":
            assert "grader_reports" in ratios  # its reports were measured
        low = {kind: round(ratio, 2) for kind, ratio in ratios.items()
               if ratio < (3.0 if kind == "code_tokens" else 4.5)}
        assert not low, f"{path} in {mode} mode: contrast too low: {low}"
        assert not problems
        page.close()
    visitor.context.close()


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_whole_book_pdf_is_one_click_away(site_url, browser, mode):
    """The header's PDF button shows next to the download menu and serves the PDF."""
    visitor = Visitor(browser, site_url, mode=mode)
    for path in ["docs/rnn_cell.html", "search.html"]:
        page, problems = visitor.open(path)
        button = page.locator("a.btn-download-book-pdf-button")
        assert button.is_visible(), f"{path}: no PDF button"
        box, bar = button.bounding_box(), page.locator(".article-header-buttons").bounding_box()
        assert bar["x"] <= box["x"] and box["x"] + box["width"] <= bar["x"] + bar["width"]
        response = page.request.get(urljoin(page.url, button.get_attribute("href")))
        assert response.status == 200 and response.body().startswith(b"%PDF-")
        assert response.headers["content-type"] == "application/pdf"
        assert not problems and not visitor.blocked
        page.close()
    visitor.context.close()


def test_a_solution_opens_and_closes_with_one_click(site_url, browser):
    """Words, code and output of a solution are hidden until its title is clicked."""
    visitor = Visitor(browser, site_url)
    page, problems = visitor.open("docs/rnn_cell.html")
    solutions = page.locator("div.solution")
    assert solutions.count() == page.locator("div.exercise").count() >= 3
    parts = [".cell_input", ".cell_output", "section p"]
    for i in range(solutions.count()):
        for part in parts:
            assert not solutions.nth(i).locator(part).first.is_visible(), (i, part)
    first = solutions.first
    first.locator(".admonition-title").click()
    for part in parts:
        assert first.locator(part).first.is_visible(), part
    assert not solutions.nth(1).locator(".cell_output").first.is_visible()
    first.locator(".admonition-title").click()
    assert not first.locator(".cell_output").first.is_visible()


# --- Accessibility (axe-core) -------------------------------------------------------

MODES = ("light", "dark")
SERIOUS = ("serious", "critical")


def axe_script():
    """axe-core's browser script, as ``make test`` unpacked it into the environment."""
    found = sorted(Path(sys.prefix).glob("axe-core-*/axe.min.js"))
    assert found, f"axe-core not found in {sys.prefix}: run `make test` (it fetches it)"
    return found[-1]


# Starts axe-core (its default rules, which are WCAG 2.2 A and AA and best practices,
# and its experimental ones; not the AAA rules) and returns at once: the result lands
# in window.rnnbookAxe. Only serious and critical violations are kept.
START_AXE = """(context) => {
  window.rnnbookAxe = undefined;
  const experimental = axe.getRules(["experimental"]).map(rule => [rule.ruleId, {enabled: true}]);
  axe.run(context || document, {resultTypes: ["violations"],
                                rules: Object.fromEntries(experimental)})
    .then(result => {
      window.rnnbookAxe = result.violations
        .filter(v => ["serious", "critical"].includes(v.impact))
        .flatMap(v => v.nodes.map(node => ({rule: v.id, impact: v.impact, help: v.help,
                                            element: node.target.join(" "),
                                            html: node.html.slice(0, 200)})));
    }, error => { window.rnnbookAxe = [{rule: "axe-core failed", impact: "critical",
                                        help: String(error), element: "", html: ""}]; });
}"""


def start_axe(page, context=None):
    page.add_script_tag(path=str(axe_script()))
    page.evaluate(START_AXE, context)


def axe_violations(page):
    """What the axe-core run started on ``page`` found (waits for it to finish)."""
    page.wait_for_function("window.rnnbookAxe !== undefined", timeout=300_000, polling=250)
    return page.evaluate("window.rnnbookAxe")


PAGE_WIDTH = """() => document.scrollingElement.scrollWidth"""


@pytest.fixture(scope="module")
def axe_reports(built_book, site_url, browser):
    """Every page checked by axe-core in light and in dark mode.

    ``{mode: {path: violations}}``, plus the requests to other hosts, ``{mode: [url]}``.
    The two modes are checked at the same time, each in its own browser context.
    """
    visitors = {mode: Visitor(browser, site_url, mode=mode) for mode in MODES}
    reports = {mode: {} for mode in MODES}
    for path in content_pages(built_book.site):
        opened = open_all(visitors, path)
        for page, _ in opened.values():
            start_axe(page)
        for mode, (page, _) in opened.items():
            assert page.evaluate("document.documentElement.dataset.theme") == mode
            reports[mode][path] = axe_violations(page)
            page.close()
    for visitor in visitors.values():
        visitor.context.close()
    return reports, {mode: visitor.blocked for mode, visitor in visitors.items()}


def describe(violations, mode):
    return "\n".join(f"{v['rule']} ({v['impact']}) on {path} in {mode} mode: "
                     f"{v['element']}: {v['html']}\n    {v['help']}"
                     for path, found in violations.items() for v in found)


@pytest.mark.parametrize("mode", MODES)
def test_no_serious_accessibility_violations(axe_reports, chapters, mode):
    reports, blocked = axe_reports
    assert {f"docs/{name}.html" for name in chapters} <= set(reports[mode])
    bad = {path: found for path, found in reports[mode].items() if found}
    assert not bad, "\n" + describe(bad, mode)
    assert not blocked[mode]


@pytest.fixture(scope="module")
def phone_widths(built_book, site_url, browser):
    """How wide every page is on a phone, in both modes: ``{mode: {path: px}}``, with
    each mode's page problems and requests to other hosts."""
    visitors = {mode: Visitor(browser, site_url, mode=mode, phone=True) for mode in MODES}
    widths, problems = {mode: {} for mode in MODES}, {mode: {} for mode in MODES}
    for path in content_pages(built_book.site):
        for mode, (page, found) in open_all(visitors, path).items():
            widths[mode][path] = page.evaluate(PAGE_WIDTH)
            problems[mode][path] = found
            page.close()
    for visitor in visitors.values():
        visitor.context.close()
    return widths, problems, {mode: visitor.blocked for mode, visitor in visitors.items()}


@pytest.mark.parametrize("mode", MODES)
def test_no_page_scrolls_sideways_on_a_phone(phone_widths, mode):
    """375 px wide: wide code, outputs, tables and equations scroll in their own box."""
    widths, problems, blocked = phone_widths
    assert "docs/index.html" in widths[mode]
    too_wide = {path: width for path, width in widths[mode].items() if width > PHONE["width"]}
    assert not too_wide, f"pages wider than the {PHONE['width']} px screen: {too_wide}"
    assert not {path: found for path, found in problems[mode].items() if found}
    assert not blocked[mode]


# --- Hover previews -------------------------------------------------------------------

# A kind of link, and a pattern that finds a page of the built site that has one.
PREVIEWED_LINKS = {
    "glossary term": (r'<a class="reference internal" href="[^"]*#term-', 'a[href*="#term-"]'),
    "section": (r'<a class="reference internal" href="[^"]+"><span class="std std-ref">',
                'a.reference.internal:has(> span.std-ref)'),
    "equation": (r'<a class="reference internal" href="[^"]*#equation-',
                 'a.reference.internal[href*="#equation-"]'),
    "figure": (r'<a class="reference internal" href="[^"]*#fig-',
               'a.reference.internal[href*="#fig-"]'),
    "API entry": (r'<a class="reference internal" href="api\.html#rnnbook\.',
                  'a.reference.internal[href^="api.html#rnnbook."]'),
}

# What a preview must show of its target, found on the target's own page.
EXPECTED_PREVIEW = """async (href) => {
  const url = new URL(href, document.baseURI);
  const html = await (await fetch(url.pathname)).text();
  let target = new DOMParser().parseFromString(html, "text/html")
                              .getElementById(decodeURIComponent(url.hash.slice(1)));
  if (!target) return null;
  if (target.matches("span:empty")) target = target.parentElement;  // a second id
  // Text up to its first math (TeX in the page's source, rendered in the preview).
  const text = node => node ? node.textContent.split("\\\\")[0].replace(/[#¶\\s]+$/, "").trim() : "";
  if (target.matches("dt")) {  // a glossary term or an API entry: name and definition
    const name = target.matches(".sig") ? text(target.querySelector(".sig-name")) : text(target);
    let definition = target.nextElementSibling;
    while (definition && definition.matches("dt")) definition = definition.nextElementSibling;
    return [name, text(definition.querySelector("p")).slice(0, 40)];
  }
  if (target.matches("figure")) return [text(target.querySelector("figcaption")).slice(0, 40)];
  if (target.matches("section")) return [text(target.querySelector("h1, h2, h3, h4"))];
  return [];  // an equation: its rendering is checked instead
}"""


def page_with(site, pattern):
    for path in content_pages(site):
        if re.search(pattern, (site / path).read_text(encoding="utf-8")):
            return path
    pytest.fail(f"no page of the book links like {pattern}")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", PREVIEWED_LINKS)
def test_hovering_a_link_shows_a_preview_of_its_target(built_book, site_url, browser,
                                                       kind, mode):
    pattern, selector = PREVIEWED_LINKS[kind]
    path = page_with(built_book.site, pattern)
    visitor = Visitor(browser, site_url, mode=mode)
    page, problems = open_all({mode: visitor}, path)[mode]
    link = page.locator(f"article.bd-article {selector}").first
    expected = page.evaluate(EXPECTED_PREVIEW, link.get_attribute("href"))
    assert expected is not None, f"{path}: {link.get_attribute('href')} leads nowhere"
    link.scroll_into_view_if_needed()
    link.hover()
    preview = page.locator("[data-tippy-root] .tippy-content")
    preview.wait_for(state="visible", timeout=10_000)
    if kind == "equation":  # typeset by MathJax when it opens
        preview.locator("mjx-container").first.wait_for(timeout=10_000)
        assert "\\[" not in preview.inner_text()
    shown = " ".join(preview.inner_text().split())
    for text in expected:
        assert " ".join(text.split()) in shown, f"{kind} preview on {path}: {shown[:300]}"
    # The open preview: accessible in this mode too, and Escape closes it.
    start_axe(page, {"include": [["[data-tippy-root]"]]})
    violations = axe_violations(page)
    assert not violations, "\n" + describe({path: violations}, mode)
    page.keyboard.press("Escape")
    preview.wait_for(state="hidden", timeout=5_000)
    assert not problems and not visitor.blocked
    visitor.context.close()
