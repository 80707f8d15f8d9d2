"""Row-valued functions: each index returns an array, and SharedMap's output has one row per index.

    sharedmap-cli run --input B.npy --python rows.py:normalize --output normalized.npy
    sharedmap-cli run --input B.npy --python rows.py:describe --output stats.npy
    sharedmap-cli run --input B.npy --python rows.py:clipped --param low=-1 --param high=1 --output c.npy

The first call fixes the result's shape (here B.shape[1:] for normalize, (4,) for describe): the
output is (len(indices), *shape) float64. An index whose result has another shape fails alone.
"""
import numpy as np


def normalize(a, B):
    """Row a divided by its L2 norm."""
    row = B[a].astype(np.float64)
    return row / np.linalg.norm(row)


def describe(a, B):
    """min, max, mean and standard deviation of row a."""
    row = B[a]
    return [row.min(), row.max(), row.mean(), row.std()]


def clipped(a, B, low=0.0, high=1.0):
    """Row a clipped to [low, high] (keyword parameters: --param low=-1 --param high=1)."""
    return np.clip(B[a], low, high)
