"""Share the chapters out evenly between Sphinx's parallel readers.

Reading a chapter executes it, and the chapters differ a lot: the character model runs
for about twenty seconds, most pages for one or two. With ``-j N``, Sphinx cuts the
list of pages, in the order it is given, into fixed batches (``make_chunks``), gives
one batch to each of N reader processes and starts the remaining batches as readers
finish. In name order the slowest chapters can share a batch, and the build waits for
that one reader long after the others are done.

Sphinx lets an extension reorder the pages before they are read
(``env-before-read-docs``). This one orders them so that the batches cost about the
same, using the execution times that ``conf.py`` lists in ``reading_seconds`` (any
page not listed counts as ``reading_seconds_default``). Only the ratios matter: a
stale number makes the build slower, never wrong. The batches beyond the first N,
which start last, get the cheapest pages.
"""

from sphinx.util.parallel import make_chunks


def balanced_order(docnames, nproc, seconds, default):
    """``docnames`` reordered so that Sphinx's batches for ``nproc`` readers cost alike.

    The batches keep the sizes ``make_chunks`` gives them; only which page goes into
    which batch changes. The batches beyond the first ``nproc`` start last, when a
    reader is free: they get the cheapest pages. The others are then filled dearest
    page first, each page into the batch with room that costs least so far.
    """
    sizes = [len(chunk) for chunk in make_chunks(list(docnames), nproc)]
    first = min(nproc, len(sizes))  # batches that start at once

    def cost(docname):
        return seconds.get(docname, default)

    by_cost = sorted(docnames, key=lambda name: (cost(name), name))  # cheapest first
    batches = [[] for _ in sizes]
    for index in range(first, len(sizes)):
        batches[index], by_cost = by_cost[: sizes[index]], by_cost[sizes[index]:]
    totals = [0.0] * first
    for docname in reversed(by_cost):
        room = [i for i in range(first) if len(batches[i]) < sizes[i]]
        cheapest = min(room, key=lambda i: (totals[i], i))
        batches[cheapest].append(docname)
        totals[cheapest] += cost(docname)
    return [docname for batch in batches for docname in batch]


def reorder(app, env, docnames):
    if app.parallel > 1:
        docnames[:] = balanced_order(
            docnames, app.parallel, app.config.reading_seconds,
            app.config.reading_seconds_default,
        )


def setup(app):
    app.add_config_value("reading_seconds", {}, "", types=[dict])
    app.add_config_value("reading_seconds_default", 2.0, "", types=[float, int])
    app.connect("env-before-read-docs", reorder)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
