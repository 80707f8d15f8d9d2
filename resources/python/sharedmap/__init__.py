"""SharedMap from Python: ``process_map`` over an array held once in shared memory.

A drop-in for ``tqdm.contrib.concurrent.process_map`` for the case that makes it fail: a big
NumPy array that every call needs. Instead of pickling the array into every worker, SharedMap
puts it **once** in shared memory and runs your function in its own worker processes, each with
a read-only view of the same bytes::

    import numpy as np
    from sharedmap import process_map

    B = np.random.rand(4000, 4000)

    def test(a, B):
        return B[a, a]

    results = process_map(test, range(4000), B, max_workers=2)   # == np.diag(B)

The engine is ``sharedmap-cli`` (the same one the desktop window uses); this package is pure
Python and only drives it.
"""

from ._runner import JobError, process_map

__all__ = ["process_map", "JobError"]
__version__ = "0.1.0"
