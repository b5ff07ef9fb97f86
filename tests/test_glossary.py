"""The glossary, the chapters' links to it, and the index.

Read from the sources (seconds): the glossary defines the book's terms briefly, each
naming the chapter that explains it, and every chapter links each glossary term it uses
at its *first* use in its prose, with ``{term}``. Read from the built site (``book``):
the glossary and the index pages exist, the navigation of every page links them, and
the index lists the key ideas with links into the chapters that explain them.

What counts as prose: the chapter's text, its lists, tables, figure captions, exercises
and solutions; not its headings, code, math, the targets of roles (``{ref}`...```
shows another page's title), or comments. What counts as a use of a term: the term,
its plural, spelled with a space or a hyphen, in any case ("Hidden states",
"cell-state"), and the other words ``OTHER_FORMS`` lists; the longest term wins, so
"forget gate" is a use of *forget gate*, not of *gate*.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import REPO, toctree_pages

DOCS = REPO / "docs"
# Pages whose prose is not the book's text: the glossary itself, the list of works
# cited, and the API reference (docstrings, rendered by autodoc).
NOT_CHAPTERS = {"glossary", "bibliography", "api"}
CHAPTERS = [page for page in ["index"] + toctree_pages((DOCS / "index.md").read_text())
            if page not in NOT_CHAPTERS]

# Words that are a use of a term besides the term itself and its plural.
OTHER_FORMS = {
    "batch": ["minibatch"],
    "cross-entropy loss": ["cross-entropy"],
    "finite difference": ["centred difference"],
    "free running": ["running free", "runs free", "run free"],
    "gradient check": ["gradient checking", "gradient checker"],
    "gradient clipping": ["clipping"],
    "one-hot encoding": ["one-hot"],
    "recurrent neural network": ["recurrent network"],
    "unrolling": ["unroll", "unrolled", "unrolls"],
    "update gate": ["input gate"],
}

# Directives whose body is not prose (code, math, generated content, the index's own
# entries); every other directive's body is (figure captions, exercises, admonitions).
NOT_PROSE = {"code-cell", "code", "code-block", "literalinclude", "math", "glue:", "glue",
             "glue:figure", "glue:math", "toctree", "raw", "eval-rst", "index",
             "bibliography", "glossary", "workbook-list", "exported-names"}
ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
TERM_TARGET = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.DOTALL)  # {term}`text <target>`
HIDDEN = "\0"  # stands for a character that is not prose


# --- The glossary's source -------------------------------------------------------------

def glossary_entries(text=None):
    """``{term: definition}`` of the ``{glossary}`` block of docs/glossary.md, in order."""
    text = text if text is not None else (DOCS / "glossary.md").read_text(encoding="utf-8")
    block = re.search(r"^```\{glossary\}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)
    entries, term = {}, None
    for line in block.group(1).splitlines():
        if not line.strip() or re.match(r"^:\w+:", line):
            continue
        if line[0].isspace():
            entries[term] += " " + line.strip()
        else:
            term = line.strip()
            entries[term] = ""
    return {term: definition.strip() for term, definition in entries.items()}


def alias_of(definition):
    """The term an entry only refers to ("See {term}`LSTM`."), or None."""
    found = re.fullmatch(r"See \{term\}`([^`]+)`\.", definition)
    return found.group(1) if found else None


def glossary_terms(entries=None):
    """``(terms, names)``: the terms defined, and ``{lower-case name: term}`` of every
    name that refers to one (the terms themselves and the entries that only say "See")."""
    entries = entries if entries is not None else glossary_entries()
    terms = [term for term, definition in entries.items() if alias_of(definition) is None]
    names = {term.lower(): term for term in terms}
    for name, definition in entries.items():
        if alias_of(definition) is not None:
            names[name.lower()] = names[alias_of(definition).lower()]
    return terms, names


def term_pattern(names):
    """One regular expression that finds a use of any name, longest name first; each
    match's ``lastgroup`` says which name (``n0``, ``n1``, ... in ``names``' order)."""
    forms = [(form, i) for i, name in enumerate(names)
             for form in [name] + OTHER_FORMS.get(name, [])]
    forms.sort(key=lambda item: -len(item[0]))
    alternatives = []
    for form, i in forms:
        words = r"[\s-]+".join(re.escape(word) for word in re.split(r"[\s-]+", form))
        alternatives.append(f"(?P<n{i}_{len(alternatives)}>{words}(?:e?s)?)")
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)


# --- A chapter's prose ---------------------------------------------------------------

def prose_mask(text):
    """The source with everything that is not prose replaced by HIDDEN (new lines kept),
    and the ``{term}`` links as ``[(start, end, target)]`` in the source."""
    keep = [False] * len(text)
    front = re.match(r"\A---\n.*?\n---\n", text, flags=re.DOTALL)
    position = front.end() if front else 0
    fences, skip, options = [], None, False
    for line in text[position:].splitlines(keepends=True):
        start, position = position, position + len(line)
        bare = line.rstrip("\n")
        if skip:
            skip = None if bare.rstrip() == skip else skip
            continue
        fence = re.match(r"^(`{3,}|:{3,})\s*(?:\{([^}]*)\})?", bare)
        if fence and fences and bare.rstrip() == fences[-1]:
            fences.pop()
            continue
        if fence:
            if fence.group(2) is None or fence.group(2) in NOT_PROSE:
                skip = fence.group(1)
            else:
                fences.append(fence.group(1))
                options = True
            continue
        if options and re.match(r"^:[\w-]+:", bare):
            continue
        options = False
        if re.match(r"^(#+ |\(\S+\)=\s*$|%|<!--)", bare):
            continue
        keep[start:position] = [True] * (position - start)

    def masked():
        return "".join(c if kept or c == "\n" else HIDDEN for c, kept in zip(text, keep))

    def hide(pattern, flags=0):
        for found in list(re.finditer(pattern, masked(), flags)):
            keep[found.start():found.end()] = [False] * (found.end() - found.start())
            yield found

    # Roles first (a role's text is not prose; a term link is recorded), then inline
    # code, then math: a role or code may hold a "$", math holds neither.
    links = []
    for role in hide(ROLE):
        if role.group(1) == "term":
            shown = TERM_TARGET.match(role.group(2))
            target = shown.group(2) if shown else role.group(2)
            links.append((role.start(), role.end(), " ".join(target.split())))
    for _ in hide(r"``.+?``|`(?:[^`\n]|\n(?!\n))+`", re.DOTALL):
        pass
    for _ in hide(r"\$\$.+?\$\$|\$(?:[^$\n]|\n(?!\n))+?\$", re.DOTALL):
        pass
    masked = masked()
    return masked, links


def term_uses(text, names):
    """Every use of a glossary term in a page's source, in order: ``[(start, end, term,
    linked)]``, ``linked`` True for a ``{term}`` link, False for the term in plain prose."""
    masked, links = prose_mask(text)
    pattern, order = term_pattern(list(names)), list(names)
    uses = [(link_start, link_end, names.get(target.lower(), target), True)
            for link_start, link_end, target in links]
    for found in pattern.finditer(masked):
        name = order[int(found.lastgroup[1:].split("_")[0])]
        uses.append((found.start(), found.end(), names[name], False))
    return sorted(uses)


def first_use_problems(text, names):
    """The terms a page uses first without a link: ``[(line, words, term)]``."""
    first = {}
    for start, end, term, linked in term_uses(text, names):
        first.setdefault(term, (start, end, linked))
    return [(text.count("\n", 0, start) + 1, " ".join(text[start:end].split()), term)
            for term, (start, end, linked) in first.items() if not linked]


def chapter_source(page):
    return (DOCS / f"{page}.md").read_text(encoding="utf-8")


# --- The checks on the sources -------------------------------------------------------

def test_the_glossary_defines_at_least_twenty_terms_briefly():
    entries = glossary_entries()
    terms, names = glossary_terms(entries)
    assert len(terms) >= 20
    for term in terms:
        definition = entries[term]
        # A chapter, or a section of one, that explains the idea in full.
        assert re.search(r"\{(ref|doc)\}`", definition), f"{term}: names no chapter"
        words = re.sub(r"\$[^$]+\$|\{\w+\}`[^`]*`", "x", definition)
        sentences = re.findall(r"[.!?](?:\s|$)", words)
        assert 1 <= len(sentences) <= 3, f"{term}: {len(sentences)} sentences"
    for name, definition in entries.items():  # "See ..." entries refer to a term
        if alias_of(definition):
            assert alias_of(definition).lower() in {t.lower() for t in terms}, name
    assert set(OTHER_FORMS) <= set(terms), "OTHER_FORMS names a term the glossary lacks"


@pytest.mark.parametrize("page", CHAPTERS)
def test_each_chapter_links_a_term_where_it_first_uses_it(page):
    _, names = glossary_terms()
    problems = first_use_problems(chapter_source(page), names)
    assert not problems, f"{page}.md uses a term first without a {{term}} link:\n" + "\n".join(
        f"  line {line}: {words!r} ({term})" for line, words, term in problems)


def test_every_chapter_links_a_term_and_every_term_is_linked():
    terms, names = glossary_terms()
    linked = {page: {term for *_, term, is_link in term_uses(chapter_source(page), names)
                     if is_link} for page in CHAPTERS}
    assert not [page for page, found in linked.items() if not found], "chapters with no term link"
    unlinked = set(terms) - set().union(*linked.values())
    assert not unlinked, f"glossary terms no chapter links: {sorted(unlinked)}"


# The parser on small pages: what counts as a use, and what as a link.
NAMES = glossary_terms({"hidden state": "The state (x).", "gate": "A dial (x).",
                        "forget gate": "A gate (x).", "LSTM": "A cell (x).",
                        "long short-term memory": "See {term}`LSTM`."})[1]


@pytest.mark.parametrize("text, expected", [
    ("The hidden state is kept.", [(1, "hidden state", "hidden state")]),
    ("{term}`hidden state` and then the hidden state.", []),
    ("{term}`Hidden states <hidden state>` are kept.", []),
    ("Two hidden\nstates, then {term}`hidden state`.", [(1, "hidden states", "hidden state")]),
    ("The cell-state and Hidden-States.", [(1, "Hidden-States", "hidden state")]),
    # Headings, math, code, comments, code cells, other roles and labels are not prose.
    ("# The hidden state\n\n$a$ is the {term}`hidden state`.", []),
    ("`hidden state` and $\\text{hidden state}$, then {term}`hidden state`.", []),
    ("{ref}`hidden state <rnn-cell>` then {term}`hidden state`.", []),
    ("% hidden state\n(hidden-state)=\n{term}`hidden state`", []),
    ("```{code-cell} ipython3\nhidden state\n```\n\n{term}`hidden state`", []),
    # The body of a figure or an exercise is prose; its options are not.
    ("```{figure} a.svg\n:alt: a hidden state\n\nThe hidden state.\n```",
     [(4, "hidden state", "hidden state")]),
    # The longest term wins: "forget gate" is no use of "gate".
    ("{term}`forget gate`, and later a gate.", [(1, "gate", "gate")]),
    ("The forget gate, then {term}`gates <gate>`.", [(1, "forget gate", "forget gate")]),
    # Another name of a term counts as the term, linked or not.
    ("{term}`long short-term memory` (LSTM)", []),
    ("The LSTM, then {term}`long short-term memory`.", [(1, "LSTM", "LSTM")]),
])
def test_the_first_use_check_on_small_pages(text, expected):
    assert first_use_problems(text, NAMES) == expected


# --- The built site --------------------------------------------------------------------

# Key ideas the index must send the reader to, and the chapter that explains each.
KEY_IDEAS = {
    "hidden state": "rnn_cell", "RNN cell": "rnn_cell", "softmax": "rnn_cell",
    "sigmoid": "rnn_cell", "unrolling": "rnn_cell", "cache": "notation",
    "forward pass": "rnn_forward", "LSTM": "lstm_cell", "cell state": "lstm_cell",
    "forget gate": "lstm_cell", "update gate": "lstm_cell", "output gate": "lstm_cell",
    "gradient check": "gradient_checking", "finite difference": "gradient_checking",
    "relative error": "gradient_checking", "cross-entropy loss": "loss",
    "backward pass": "rnn_backward", "backpropagation through time": "rnn_backward",
    "pre-activation": "rnn_backward", "GRU": "gru", "reset gate": "gru",
    "vanishing gradient": "vanishing_gradients", "exploding gradient": "vanishing_gradients",
    "Adam": "char_model", "gradient clipping": "char_model", "sampling": "char_model",
    "temperature": "char_model", "perplexity": "char_model", "teacher forcing": "char_model",
    "truncated backpropagation through time": "char_model", "workbook": "do_it_yourself",
}
INDEX_DIRECTIVE = re.compile(r"^```\{index\} (.+)$", flags=re.MULTILINE)


def index_directives(page):
    """The entries a page's ``{index}`` directives make: ``[(entry, subentry or "")]``,
    a "see" entry as ``(entry, "see <other>")``."""
    entries = []
    for argument in INDEX_DIRECTIVE.findall(chapter_source(page)):
        kind, colon, rest = argument.partition(":")
        if colon and kind in ("single", "see"):
            entry, _, sub = (part.strip() for part in rest.partition(";"))
            entries.append((entry, f"see {sub}" if kind == "see" else sub))
        else:
            entries += [(entry.strip(), "") for entry in argument.split(",")]
    return entries


class _IndexParser(HTMLParser):
    """The entries of Sphinx's genindex page: ``[{"text", "hrefs", "subentries"}]``."""

    def __init__(self):
        super().__init__()
        self.entries, self.depth, self.in_table, self.node = [], 0, False, None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "indextable" in (dict(attrs).get("class") or ""):
            self.in_table = True
        elif self.in_table and tag == "ul":
            self.depth += 1
        elif self.in_table and tag == "li":
            self.node = {"text": "", "hrefs": [], "subentries": []}
            if self.depth == 1:
                self.entries.append(self.node)
            else:
                self.entries[-1]["subentries"].append(self.node)
        elif self.in_table and tag == "a" and self.node is not None:
            self.node["hrefs"].append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_table, self.node = False, None
        elif self.in_table and tag == "ul":
            self.depth -= 1
            self.node = self.entries[-1] if self.depth == 1 and self.entries else None

    def handle_data(self, data):
        if self.node is not None:
            self.node["text"] += data


def index_of(site):
    """``{entry: {subentry or "": [href relative to the site]}}`` of the general index,
    names without the separators and the "[1]" texts of the further links."""
    parser = _IndexParser()
    parser.feed((site / "genindex.html").read_text(encoding="utf-8"))
    clean = lambda text: re.sub(r"\s+", " ", re.sub(r"\[\d+\]|,", "", text)).strip()
    index = {}
    for entry in parser.entries:
        subs = index.setdefault(clean(entry["text"]), {})
        subs.setdefault("", []).extend(entry["hrefs"])
        for sub in entry["subentries"]:
            subs.setdefault(clean(sub["text"]), []).extend(sub["hrefs"])
    return index


def sidebar_links(site, path):
    """The pages (relative to the site) that a page's primary sidebar links to."""
    html = (site / path).read_text(encoding="utf-8")
    sidebar = html[html.index('class="bd-sidebar-primary'):html.index("<main")]
    links = set()
    for href in re.findall(r'href="([^"#]+)', sidebar):
        links.add(Path("/", path).parent.joinpath(href).resolve().as_posix().lstrip("/"))
    return links


def ids_of(site, path):
    return set(re.findall(r'\bid="([^"]+)"', (site / path).read_text(encoding="utf-8")))


@pytest.mark.book
def test_the_glossary_page_defines_every_term(built_book):
    entries = glossary_entries(chapter_source("glossary"))
    ids = re.findall(r'<dt id="term-[^"]+"', built_book.page("glossary").read_text(
        encoding="utf-8"))
    assert len(ids) == len(entries) >= 20


@pytest.mark.book
def test_every_term_link_of_a_chapter_leads_to_its_definition(built_book):
    glossary_ids = ids_of(built_book.site, "docs/glossary.html")
    _, names = glossary_terms()
    for page in CHAPTERS:
        html = built_book.page(page).read_text(encoding="utf-8")
        targets = re.findall(r'<a class="reference internal" href="glossary\.html#(term-[^"]+)"',
                             html)
        in_source = [use for use in term_uses(chapter_source(page), names) if use[3]]
        assert len(targets) == len(in_source) >= 1, page
        assert set(targets) <= glossary_ids, page


@pytest.mark.book
def test_the_glossary_references_and_index_are_in_every_pages_sidebar(built_book):
    pages = [p.relative_to(built_book.site).as_posix() for p in built_book.site.rglob("*.html")
             if p.relative_to(built_book.site).parts[0] not in ("_static", "_sources")
             and 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")]
    assert {"genindex.html", "search.html", "docs/glossary.html"} <= set(pages)
    for path in pages:
        links = sidebar_links(built_book.site, path) | {path}  # a page links itself as "#"
        assert {"docs/glossary.html", "docs/bibliography.html", "genindex.html"} <= links, path


@pytest.mark.book
def test_the_index_sends_each_key_idea_to_the_chapter_that_explains_it(built_book):
    index = index_of(built_book.site)
    wanted = {(idea, ""): page for idea, page in KEY_IDEAS.items()}
    for page in CHAPTERS:
        for entry in index_directives(page):
            wanted[entry] = page
    assert len(wanted) >= 60
    for (entry, sub), page in wanted.items():
        assert entry in index, f"{entry!r} is not in the index"
        hrefs = index[entry].get(sub)
        assert hrefs is not None, f"{entry!r}: no {sub!r} under it in the index"
        if sub.startswith("see "):
            continue
        anchors = [href.partition("#")[2] for href in hrefs
                   if href.startswith(f"docs/{page}.html#")]
        assert anchors, f"{entry!r} {sub!r}: no link to {page}: {hrefs}"
        assert set(anchors) <= ids_of(built_book.site, f"docs/{page}.html")
    # Every glossary term, and every other name of one, is in the index too.
    for name in glossary_entries():
        assert any(href.startswith("docs/glossary.html#term-")
                   for href in index.get(name, {}).get("", [])), name


@pytest.mark.book
def test_the_index_lists_the_caches_but_not_each_of_their_fields(built_book):
    """docs/_ext/index_entries.py: a cache's fields are on the API page, not in the index."""
    index = index_of(built_book.site)
    api_ids = ids_of(built_book.site, "docs/api.html")
    fields = [name for name in api_ids if re.fullmatch(r"rnnbook\.\w+\.\w*Cache\.\w+", name)]
    assert len(fields) >= 20  # still documented
    assert not [entry for entry in index if entry.endswith("attribute)")]
    assert any(entry.startswith("LSTMCache") for entry in index)
    assert any(entry.startswith("rnn_cell_forward()") for entry in index)
