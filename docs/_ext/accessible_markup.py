"""HTML for elements whose default markup fails accessibility checks.

Each fix replaces how one kind of node is written to HTML (a node visitor registered
with ``override=True``), so it holds wherever that node appears, whatever directive
made it. The browser tests (``tests/test_browser.py``) run axe-core on every page.

- A folded code cell (MyST-NB's ``hide-input``, ``hide-output``, ``hide-cell`` tags):
  MyST-NB labels its ``<summary>`` "Toggle hidden content", a name that differs from
  the words it shows ("Show code cell source"). Speech-input users say what they
  see; with no ``aria-label`` the visible words are the name (WCAG 2.5.3, Label in
  Name). The hidden one of the two prompts is ``display: none``, so it is not read.
- A bibliography (docutils citations, as sphinxcontrib-bibtex makes them): docutils
  gives each entry the role ``doc-biblioentry``, which WAI-ARIA deprecated; the list
  that holds them then has no list items. Entries here are ``listitem``\\ s.

The LaTeX builder is untouched.
"""

from html import escape

from docutils import nodes
from myst_nb.sphinx_ import HideCodeCellNode


def visit_folded_cell(self, node):
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    self.body.append(
        f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(
        f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def depart_folded_cell(self, node):
    self.body.append("</details>\n")


def visit_citation(self, node):
    if not isinstance(node.previous_sibling(), nodes.citation):
        self.body.append('<div role="list" class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))


def depart_citation(self, node):
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), nodes.citation):
        self.body.append("</div>\n")


def setup(app):
    app.setup_extension("myst_nb")
    app.add_node(HideCodeCellNode, override=True,
                 html=(visit_folded_cell, depart_folded_cell))
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
