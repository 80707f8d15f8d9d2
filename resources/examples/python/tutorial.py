"""The tutorial's function, unchanged, for SharedMap.

The original ran it with tqdm's process_map over a multiprocessing.Array:

    results = process_map(test, range(N), max_workers=2, chunksize=1)

SharedMap calls the same function in its own workers, B being a read-only NumPy view of the one
shared copy of the array:

    sharedmap-cli generate --shape 1000x1000 --output B.npy
    sharedmap-cli run --input B.npy --python tutorial.py:test --workers 2 --chunksize 1 --output diag.npy

diag.npy then holds np.diag(B), in the order of the indices.
"""
from time import sleep


def test(a, B, sleep_s=0.0):
    """B[a, a]: the diagonal, one index at a time (sleep_s simulates work, as the tutorial's sleep)."""
    if sleep_s:
        sleep(sleep_s)
    return B[a, a]


if __name__ == "__main__":
    # Run as a script, it still does what it did: SharedMap imports the file as a module named
    # "tutorial", so this block does not run in its workers.
    import numpy as np
    from tqdm.contrib.concurrent import process_map

    B = np.random.default_rng(0).random((100, 100))
    print(process_map(test, range(len(B)), [B] * len(B), max_workers=2, chunksize=1)[:5])
