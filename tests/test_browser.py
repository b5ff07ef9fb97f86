"""The built book in a real browser: Debian's Chromium, driven by Playwright.

The site is served from 127.0.0.1; every request to any other host is blocked and
counted. Playwright never downloads a browser here: it drives /usr/bin/chromium
(``make test`` installs it with apt-get).
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


class Visitor:
    """A browser context that blocks and records requests to other hosts."""

    def __init__(self, browser, base, mode="light"):
        self.base = base
        self.blocked = []
        self.context = browser.new_context(color_scheme=mode,
                                           viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if urlparse(url).scheme in ("http", "https") and urlparse(url).hostname not in LOCAL_HOSTS:
            self.blocked.append(url)
            route.abort()
        else:
            route.continue_()

    def open(self, path, redirect_to=None):
        """Load a page; return it with its console errors and failed local requests.

        A page that forwards elsewhere (``redirect_to``) is returned once it got there.
        """
        page = self.context.new_page()
        problems = []
        page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
        page.goto(f"{self.base}/{path}", wait_until="load")
        if redirect_to:
            page.wait_for_url(f"{self.base}/{redirect_to}", wait_until="load")
        return page, problems


def site_pages(site):
    """Every HTML page of the site (theme template fragments in _static excluded)."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if p.relative_to(site).parts[0] not in ("_static", "_sources"))


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
    # What the theme's switcher stores; a first visit follows the system (color_scheme).
    visitor.context.add_init_script(f"localStorage.setItem('mode', '{mode}')")
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
    visitor.context.add_init_script(f"localStorage.setItem('mode', '{mode}')")
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
    assert not problems and not visitor.blocked
    visitor.context.close()
