"""Run notebooks in fresh Jupyter kernels: the chapters' shown code, and the workbooks."""

import asyncio
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

MAY_RAISE = "raises-exception"  # the tag nbclient and MyST-NB let raise


def execute(notebook, cwd, timeout=300, tree_on_path=True):
    """Run ``notebook`` top to bottom in a new kernel started in ``cwd``, in place.

    Returns None, or ``(index, cell, error output)`` for the first cell that raised
    without the tag ``raises-exception``; nbclient stops there. The kernel keeps BLAS to
    one thread, as the book's build does, and imports the rnnbook of this tree; with
    ``tree_on_path=False``, only what is installed (as a reader's kernel would).
    """
    # Imported here: the numpy 1.26 run collects this file for doctests, without Jupyter.
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    sys.path.insert(0, str(REPO / "docs" / "_ext"))
    from ipc_kernels import ipc_kernel_manager

    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            kernel_manager_class=ipc_kernel_manager(),
                            resources={"metadata": {"path": str(cwd)}})
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    if tree_on_path:
        env["PYTHONPATH"] = os.pathsep.join(
            [str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    try:
        # A loop of its own, closed at the end: callers may run several in threads.
        asyncio.run(client.async_execute(env=env))
    except CellExecutionError:
        pass
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or MAY_RAISE in cell.metadata.get("tags", []):
            continue
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                return index, cell, output
    return None


def describe(failure):
    """A failing cell and its error, in a few lines."""
    index, cell, output = failure
    head = "\n".join(cell.source.splitlines()[:6])
    return f"{output.ename}: {output.evalue}\n--- the cell:\n{head}"
