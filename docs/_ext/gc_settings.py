"""Python's garbage collector, set for a build that keeps half a million objects alive.

The main process of a build holds the environment (every page's metadata, the
cross-reference tables, the loaded extensions) for the whole build: about half a
million objects. Python's full collections walk all of them. With the default
thresholds a clean build ran 17 of them in the main process, about 4 s, nearly all
while the pages were being resolved and written, where the main process works alone;
and at exit the interpreter's last collection walked everything once more, 1.3 s
after "build succeeded".

Two settings, both in Python's documented ``gc`` interface:

- higher thresholds (:data:`THRESHOLDS`): a young collection after 100,000 new
  objects instead of 700, so the short-lived doctrees of a page are still collected
  young but the long-lived environment is rarely walked. The process uses about 50 MB
  more at its peak.
- at exit, :func:`gc.freeze`: what is still alive then is left to the operating
  system, which takes the whole process back at once, instead of being walked first.
  It runs as an ``atexit`` handler, so nothing is frozen while the process still works.

Reading and writing workers are forked from the main process and inherit the
thresholds; the notebook kernels are separate programs and keep Python's defaults.
"""

import atexit
import gc

THRESHOLDS = (100_000, 50, 100)


def setup(app):
    gc.set_threshold(*THRESHOLDS)
    atexit.register(gc.freeze)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
