"""Hover previews of glossary terms and cross-references, from the site alone.

Hovering (or focusing) a link to a glossary term, a section, an equation, a figure or
an API entry shows a preview of its target. The previews come from sphinx-tippy,
configured in conf.py through its settings only:

- its scripts (Popper and Tippy.js) are served from the site: ``docs/_static/vendor/``
  holds them with their licences (see the README there), where sphinx-tippy would
  load them from a CDN;
- its Wikipedia and DOI look-ups, which would fetch data while the book builds, are
  off;
- MathJax (served by ``offline_mathjax``) typesets an equation in a preview when the
  preview opens;
- previews attach to links in the chapter's text only, not to the navigation;
- ``docs/_static/hover_previews.js`` sets what sphinx-tippy has no option for, through
  Tippy's own defaults: valid markup in the previews, Escape closes them.

sphinx-tippy gathers each page's targets while the HTML builder writes the page and
turns them into one script per page when the build ends. With parallel writing
(``-j``), pages are written by worker processes, and what sphinx-tippy gathered there
would be lost with the worker (sphinx-tippy issue 9). So each page's data is also
saved to a file as soon as it is gathered, and read back into the main process when
the build ends, before sphinx-tippy writes the scripts. Writing stays
parallel: on two cores it takes about half the time it takes serially. The LaTeX
builder ignores all of it.

What sphinx-tippy gathers on a page (the links, and for every element with an id the
HTML its preview shows) it finds by parsing the page's HTML with BeautifulSoup's
pure-Python parser: about a second for the API page, 12 s of CPU over a clean build
of the book. ``gather_page`` below gathers the same data with lxml, in about a
twentieth of the time, and takes the place of sphinx-tippy's own handler; the rest of
sphinx-tippy (its settings, the scripts it writes at the end) is used as it is.
"""

import copy
import pickle
import posixpath
import shutil
from pathlib import Path
from uuid import uuid4

import lxml.html
import sphinx_tippy
from sphinx.errors import ExtensionError
from sphinx_tippy import (
    DOI_PATH, WIKI_PATH, create_element_id_map, get_tippy_config, get_tippy_data,
)

# The saved page data is read back before sphinx-tippy writes the scripts (its
# build-finished handler has priority 500).
LOAD_PRIORITY = 400
# The first h1-h6 below an element, in document order.
FIRST_HEADING = "(" + "|".join(f".//h{level}" for level in range(1, 7)) + ")[1]"


def html(element):
    """An element's own HTML, without the text that follows it."""
    return lxml.html.tostring(element, encoding="unicode", with_tail=False)


def first_heading(element):
    found = element.xpath(FIRST_HEADING)
    return found[0] if found else None


def next_element(element):
    """The next sibling that is an element: text and comments are skipped, as in
    sphinx-tippy (lxml keeps text out of the siblings, but not comments)."""
    sibling = element.getnext()
    while sibling is not None and not isinstance(sibling.tag, str):
        sibling = sibling.getnext()
    return sibling


def drop_class(element, tag, name):
    """Remove the ``tag`` descendants of ``element`` that have the class ``name``."""
    for found in element.xpath(f".//{tag}[contains(concat(' ', @class, ' '), ' {name} ')]"):
        found.drop_tree()


def heading_preview(heading, start=True):
    """A heading and the paragraphs after it (sphinx-tippy's ``_get_header_html``)."""
    if start:
        shown = copy.deepcopy(heading)
        shown.set("style", "margin-top: 0;")
        shown.set("class", " ".join([*shown.get("class", "").split(), "tippy-header"]))
        output = html(shown)
    else:
        output = html(heading)
    for sibling in heading.itersiblings():
        if not isinstance(sibling.tag, str):
            continue
        if sibling.tag == "section":
            if (sub_heading := first_heading(sibling)) is not None:
                output += heading_preview(sub_heading, start=False)
            break
        if sibling.tag == "p":
            output += html(sibling)
            if (after := next_element(sibling)) is not None and after.tag == "p":
                output += html(after)
            break
    return output


def definition_preview(term):
    """A definition-list term and the first paragraphs of its definition."""
    shown = copy.deepcopy(term)
    drop_class(shown, "*", "headerlink")
    output = html(shown)
    definition = next_element(term)
    if definition is not None and definition.tag == "dd":
        definition = copy.deepcopy(definition)
        definition.text = None
        kept = 0
        for child in list(definition):
            if not isinstance(child.tag, str) or kept > 5 or child.tag != "p":
                definition.remove(child)
            else:
                child.tail = None
                kept += 1
        output += html(definition)
    return output


def previews_by_id(config, body):
    """Each id's preview HTML (sphinx-tippy's ``create_id_to_tip_html``, on lxml)."""
    previews = {}
    if (title := first_heading(body)) is not None:
        previews[None] = heading_preview(title)
    for element in body.cssselect(config.tip_selector):
        if element.get("id"):
            previews[element.get("id")] = html(element)
    for element in body.xpath(".//*[@id]"):
        classes = element.get("class", "").split()
        if element.tag == "dt":
            previews[element.get("id")] = definition_preview(element)
        elif element.tag == "section" and (heading := first_heading(element)) is not None:
            previews[element.get("id")] = heading_preview(heading)
        elif element.tag == "div" and {"math", "notranslate", "nohighlight"} <= set(classes):
            shown = copy.deepcopy(element)
            drop_class(shown, "span", "eqno")
            previews[element.get("id")] = html(shown)
    return previews


def gather_page(app, pagename, templatename, context, doctree):
    """What sphinx-tippy's ``collect_tips`` gathers on a page, gathered with lxml."""
    if not doctree:  # only pages made from a source file
        return
    config = get_tippy_config(app)
    if config.enable_mathjax:
        app.env.get_domain("math").data["has_equations"][pagename] = True
    body = lxml.html.fragment_fromstring(context["body"] or "<p></p>", create_parent="div")
    page_folder = posixpath.dirname(pagename)
    refs, custom, wiki_titles, dois, rtd_urls = set(), set(), set(), set(), set()
    for anchor in body.xpath(".//a[@href]"):
        href = anchor.get("href")
        if href in config.custom_tips:
            custom.add(href)
            continue
        if any(regex.match(href) for regex in config.skip_url_regexes):
            continue
        if config.enable_doitips and href.startswith(DOI_PATH):
            dois.add(href[len(DOI_PATH):])
            continue
        if any(href.startswith(url) for url in config.tippy_rtd_urls):
            rtd_urls.add(href)
        path, _, target = href.partition("#")
        target = target or None
        if not path:
            refs.add((None, target))
        elif config.enable_wikitips and path.startswith(WIKI_PATH):
            wiki_titles.add(path[len(WIKI_PATH):])
        elif path.endswith(".html"):
            other = posixpath.normpath(posixpath.join(page_folder, path[:-5]))
            if other in app.env.all_docs:
                refs.add((other, target))

    # One script per page, named anew on each build so that no browser keeps an old one.
    parts = pagename.split("/")
    script_folder = Path(app.outdir, "_static", "tippy", *parts).parent
    for old in script_folder.glob(f"{parts[-1]}.*.js"):
        old.unlink()
    script = Path(app.outdir, "_static", "tippy", *(f"{pagename}.{uuid4()}.js").split("/"))
    data = get_tippy_data(app)["pages"][pagename] = {
        "element_id_map": create_element_id_map(doctree),
        "refs_in_page": refs,
        "id_to_html": previews_by_id(config, body),
        "custom_in_page": custom,
        "wiki_titles": wiki_titles,
        "dois": dois,
        "rtd_urls": rtd_urls,
        "js_path": script,
    }
    save_page(app, pagename, data)
    for js_file in config.js_files:
        app.add_js_file(js_file, loading_method="defer")
    app.add_js_file(str(script.relative_to(Path(app.outdir, "_static"))),
                    loading_method="defer")


def saved_pages(app):
    """The folder of this build's saved page data (next to the doctrees)."""
    return Path(app.doctreedir) / "hover_previews"


def start_build(app):
    """Drop the page data of an earlier build: only pages written now are read back."""
    shutil.rmtree(saved_pages(app), ignore_errors=True)


def save_page(app, pagename, data):
    """Save a page's preview data, in whichever process wrote the page."""
    path = saved_pages(app) / f"{pagename}.pickle"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(data))


def load_pages(app, exception):
    """Give sphinx-tippy, in the main process, the data of every page written."""
    if exception or app.builder.format != "html":
        return
    pages = get_tippy_data(app)["pages"]
    for path in sorted(saved_pages(app).rglob("*.pickle")):
        pagename = path.relative_to(saved_pages(app)).with_suffix("").as_posix()
        pages[pagename] = pickle.loads(path.read_bytes())


def setup(app):
    app.setup_extension("sphinx_tippy")
    # gather_page takes the place of sphinx-tippy's page handler, at its priority.
    handlers = [listener for listener in app.events.listeners["html-page-context"]
                if listener.handler is sphinx_tippy.collect_tips]
    if len(handlers) != 1:
        raise ExtensionError("hover_previews: sphinx-tippy's page handler was not found")
    app.disconnect(handlers[0].id)
    app.connect("html-page-context", gather_page, priority=handlers[0].priority)
    app.connect("builder-inited", start_build)
    app.connect("build-finished", load_pages, priority=LOAD_PRIORITY)
    # After Tippy's scripts (priority 500, added per page by sphinx-tippy), before the
    # previews are made (when the page has loaded).
    app.add_js_file("hover_previews.js", loading_method="defer", priority=600)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
