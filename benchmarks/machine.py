"""Describe the machine and the BLAS library numpy uses, and warn about forced kernels."""

import datetime
import os
import platform
import sys

import numpy as np

BLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS",
                  "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_VERBOSE")


def _read(path):
    try:
        with open(path, encoding="utf-8") as file:
            return file.read()
    except OSError:
        return ""


def _cpu_model():
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _memory_gib():
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 2**20, 1)
    return None


def blas_info():
    """threadpoolctl's view of the loaded BLAS libraries, and numpy's build config."""
    try:
        from threadpoolctl import threadpool_info
        pools = threadpool_info()
    except ImportError:
        pools = None
    try:
        build = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    except (AttributeError, KeyError, TypeError, ValueError):  # numpy < 1.26, odd builds
        build = None
    return {"threadpoolctl": pools, "numpy_build_blas": build}


def blas_warnings(info):
    """Warnings about environment variables that override OpenBLAS's own choices."""
    warnings = []
    kernels = [pool.get("architecture") for pool in info["threadpoolctl"] or []
               if pool.get("internal_api") == "openblas"]
    if os.environ.get("OPENBLAS_CORETYPE"):
        warnings.append(
            f"OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} forces OpenBLAS's kernel "
            f"(numpy's OpenBLAS reports {', '.join(map(str, kernels)) or 'no OpenBLAS'}); "
            "for the machine's own kernel run with "
            "`env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE`"
        )
    if os.environ.get("OPENBLAS_L2_SIZE"):
        warnings.append(f"OPENBLAS_L2_SIZE={os.environ['OPENBLAS_L2_SIZE']} overrides "
                        "OpenBLAS's cache-size detection")
    if info["threadpoolctl"] is None:
        warnings.append("threadpoolctl is not installed: BLAS threads cannot be set "
                        "(pip install threadpoolctl)")
    return warnings


def describe():
    """A JSON-ready description of this machine and software."""
    try:
        import torch
        torch_version = torch.__version__
    except ImportError:
        torch_version = None
    info = blas_info()
    return {
        "date_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gib": _memory_gib(),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "torch": torch_version,
        "environment": {name: os.environ.get(name) for name in BLAS_VARIABLES},
        "blas": info,
        "warnings": blas_warnings(info),
    }


def openblas_kernels(info):
    """'openblas 0.3.x (SkylakeX)'-style summary of each BLAS library in use."""
    return [f"{pool.get('internal_api')} {pool.get('version')} ({pool.get('architecture')}), "
            f"{pool.get('filepath', '').rsplit('/', 1)[-1]}"
            for pool in info["threadpoolctl"] or [] if pool.get("user_api") == "blas"]
