"""Run the notebook kernels over Unix sockets, not TCP.

With parallel builds (and other builds on the machine), a kernel's TCP port could be
taken between the moment it is picked and the moment the kernel binds it ("Address
already in use", then "Kernel didn't respond"). A socket file cannot be taken that way.
MyST-NB offers no setting for the kernel manager, and nbclient's ``NotebookClient``
reads none from a configuration file when it is created by a library, so the default
kernel manager class of ``NotebookClient`` is set here, once, when the extension loads.
"""

import os
import tempfile
import uuid


def ipc_kernel_manager():
    """A kernel manager class whose kernels listen on Unix sockets (also for the tests)."""
    from jupyter_client import AsyncKernelManager
    from traitlets import CaselessStrEnum, default

    class IPCKernelManager(AsyncKernelManager):
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

        @default("ip")
        def _socket_path_prefix(self):
            # Absolute: the kernel runs in the notebook's folder, the client elsewhere.
            return os.path.join(tempfile.gettempdir(), f"book-kernel-{uuid.uuid4().hex[:16]}")

    return IPCKernelManager


def use_ipc_kernels():
    from nbclient import client

    original = client.NotebookClient.__init__
    if getattr(original, "ipc_kernels", False):
        return
    manager = ipc_kernel_manager()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", manager)
        original(self, *args, **kwargs)

    __init__.ipc_kernels = True
    client.NotebookClient.__init__ = __init__


def setup(app):
    use_ipc_kernels()
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
