"""Unit tests of the book's own Sphinx extensions (docs/_ext), without a build."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs" / "_ext"))

import chapter_order  # noqa: E402  (needs the docs extra; not run with numpy 1.26)


@pytest.mark.parametrize("cells, expected", [
    (["import rnnbook\nrnnbook.rnn_forward(x, a0, p)"], ["rnnbook.rnn_forward"]),
    (["from rnnbook import fused\nfused.lstm_forward(x, a0, p)"],
     ["rnnbook.fused.lstm_forward"]),
    (["from rnnbook.output import cross_entropy as ce", "value = ce(y, t)"],
     ["rnnbook.output.cross_entropy"]),
    (["import rnnbook.model as m\nm.run(x, p)"], ["rnnbook.model.run"]),
    (["%config InlineBackend.figure_formats = ['svg']\nfrom rnnbook import sigmoid\n"
      "sigmoid(0)"], ["rnnbook.sigmoid"]),
    (["import numpy as np\nnp.tanh(1)", "from rnnbook import softmax\nf = softmax"], []),
    (["from rnnbook import sigmoid\n1 +", "sigmoid(2)"], ["rnnbook.sigmoid"]),
])
def test_calls_are_found_through_every_kind_of_import(cells, expected):
    assert chapter_order.called_targets(cells) == expected


# ---------------------------------------------------------------------------------
# Workbooks: which code cells a learner's notebook keeps, and MyST to Jupyter Markdown

learner_code = pytest.importorskip("learner_code")
jupyter_markdown = pytest.importorskip("jupyter_markdown")


def test_a_workbook_keeps_the_cells_a_learner_can_run():
    sources = [
        "import numpy as np\nfrom myst_nb import glue\n\n"
        "from rnnbook import rnn_forward, softmax\nfrom rnnbook.course import rnn_forward_case",
        "case = rnn_forward_case()\na, y, caches = rnn_forward(**case)",  # the stub: out
        "print(a.shape)",  # needs the cell left out: out
        "z = softmax(np.zeros((2, 1)))\nglue('z', float(z[0, 0]), display=False)\n"
        "for k in range(2):\n    glue(f'k{k}', k, display=False)\nprint(z)",
        "import matplotlib.pyplot as plt\nplt.plot([1.0])",  # not installed with rnnbook
        "for check in range(3):\n    print(check)",  # would rebind the grader
        "def twice(x):\n    return 2 * x\n\n\nprint(twice(z))",
        "squares = [k * k for k in range(3)]",
        "print(x, k)",  # a function's argument and a comprehension's target: not bound
    ]
    kept = learner_code.learner_cells(sources, given={"np", "check"}, written={"rnn_forward"})
    assert kept == {0: "from rnnbook import softmax",
                    3: "z = softmax(np.zeros((2, 1)))\nprint(z)",
                    6: "def twice(x):\n    return 2 * x\n\n\nprint(twice(z))",
                    7: "squares = [k * k for k in range(3)]"}


class FakeHooks:
    """Roles and directives as a workbook's hooks would render them, for a test."""

    hidden = False

    def role(self, name, text):
        return {"eq": f"({text})", "ref": f"[{text}](page.html)"}.get(name, text)

    def directive(self, block):
        if block.name == "solution-start":
            self.hidden = True
        elif block.name == "solution-end":
            self.hidden = False
        elif block.name == "math" and not self.hidden:
            return [jupyter_markdown.display_math(block.body, block.options.get("label"))]
        elif block.name == "exercise" and not self.hidden:
            inner = jupyter_markdown.convert(block.body, self)
            return ["**Exercise.** " + jupyter_markdown.markdown_only(inner)]
        return []


MYST = """\
(a-label)=
# Title

See {eq}`one` and {ref}`intro`; write ``{eq}`label` `` in MyST.

```{math}
:label: one
a = b \\\\ c = d
```

````{exercise}
:label: ex

Compute this:

```python
>>> 1 + 1
2
```
````

````{solution-start} ex
:class: dropdown
````

The secret answer.

````{solution-end}
````

After.
"""


def test_myst_becomes_jupyter_markdown():
    pieces = jupyter_markdown.convert(MYST, FakeHooks())
    assert all(isinstance(piece, str) for piece in pieces)
    text = "\n\n".join(pieces)
    assert "(a-label)=" not in text
    assert "See (one) and [intro](page.html); write ``{eq}`label` `` in MyST." in text
    assert "$$\n\\begin{split}a = b \\\\ c = d\\end{split} \\tag{one}\n$$" in text
    assert "**Exercise.** Compute this:\n\n```python\n>>> 1 + 1\n2\n```" in text
    assert "secret" not in text and text.endswith("After.")


# --- balanced_reading: which reader gets which pages ----------------------------------

import balanced_reading  # noqa: E402
from sphinx.util.parallel import make_chunks  # noqa: E402

PAGES = [f"docs/page{i:02d}" for i in range(23)]
# In name order, the four slow pages share the first batch.
SECONDS = {"docs/page01": 24, "docs/page02": 14, "docs/page03": 11, "docs/page04": 10,
           "docs/page19": 0.5, "docs/page20": 0.5}


@pytest.mark.parametrize("nproc", [2, 3, 4])
def test_reading_batches_keep_their_sizes_and_pages(nproc):
    order = balanced_reading.balanced_order(PAGES, nproc, SECONDS, 2.0)
    assert sorted(order) == PAGES
    assert ([len(c) for c in make_chunks(order, nproc)]
            == [len(c) for c in make_chunks(PAGES, nproc)])


@pytest.mark.parametrize("nproc", [2, 3, 4])
def test_reading_batches_that_start_together_cost_alike(nproc):
    """The slow pages go to different readers; the late batches get the cheapest."""
    def cost(batch):
        return sum(SECONDS.get(page, 2.0) for page in batch)

    balanced = make_chunks(balanced_reading.balanced_order(PAGES, nproc, SECONDS, 2.0),
                           nproc)
    by_name = make_chunks(PAGES, nproc)
    first = balanced[:nproc]
    assert max(map(cost, first)) < max(map(cost, by_name[:nproc]))
    # Greedy scheduling's guarantee: no batch exceeds the mean by more than one page.
    assert max(map(cost, first)) <= sum(map(cost, first)) / len(first) + 24
    slow = ["docs/page01", "docs/page02", "docs/page03", "docs/page04"]
    assert all(sum(page in batch for page in slow) <= -(-len(slow) // nproc)
               for batch in first)
    late = [page for batch in balanced[nproc:] for page in batch]
    assert all(cost([page]) <= 2.0 for page in late)


def test_fewer_pages_than_readers_are_read_as_given():
    assert balanced_reading.balanced_order(["docs/b", "docs/a"], 3, {}, 2.0) in (
        ["docs/b", "docs/a"], ["docs/a", "docs/b"])
    assert balanced_reading.balanced_order([], 3, {}, 2.0) == []


# ---------------------------------------------------------------------------------
# gc_settings: the collector of a build's main process


def test_the_collector_is_set_for_a_build_and_skips_its_walk_at_exit():
    import subprocess

    import gc_settings

    # An exit handler registered before the extension's runs after it (last in, first
    # out): by then, what is alive must be frozen, so the interpreter's last collection
    # has nothing to walk.
    program = (
        "import atexit, gc\n"
        "atexit.register(lambda: print('frozen at exit:', gc.get_freeze_count() > 0))\n"
        "import gc_settings\n"
        "gc_settings.setup(None)\n"
        "print('thresholds:', gc.get_threshold())\n"
        "print('frozen while running:', gc.get_freeze_count() > 0)\n"
    )
    ext = Path(__file__).resolve().parents[1] / "docs" / "_ext"
    out = subprocess.run([sys.executable, "-c", program], cwd=ext, capture_output=True,
                         text=True, check=True).stdout.splitlines()
    assert out == [f"thresholds: {gc_settings.THRESHOLDS}", "frozen while running: False",
                   "frozen at exit: True"]


# ---------------------------------------------------------------------------------
# api_links: {explains} reads like {func} for a function, with no "()" for the rest

@pytest.mark.parametrize("text, is_function", [
    ("rnnbook.rnn_forward", True),
    ("~rnnbook.train.adam_step", True),
    ("the step <rnnbook.train.adam_step>", True),
    ("rnnbook.model.MODELS", False),  # a table
    ("FusedGRUCache <rnnbook.fused.FusedGRUCache>", False),  # a class
    ("rnnbook.no_such_name", True),  # left to the Python domain, which warns
])
def test_explains_adds_parentheses_to_functions_only(text, is_function):
    api_links = pytest.importorskip("api_links")
    assert api_links._is_routine(text) is is_function
