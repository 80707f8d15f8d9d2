"""A function using SciPy (Debian's python3-scipy): a Gaussian blur of an image, row by row.

Each worker imports SciPy once; the image is read from the one shared copy, never copied:

    sharedmap-cli generate --shape 2000x3000 --dist normal --output image.npy
    sharedmap-cli run --input image.npy --python smooth.py:blurred_row --param sigma=3 --output blurred.npy

The result equals scipy.ndimage.gaussian_filter(image, sigma, mode="nearest", truncate=4.0).
"""
import numpy as np
from scipy import ndimage


def blurred_row(a, image, sigma=2.0, truncate=4.0):
    """Row a of the image blurred with a Gaussian of `sigma` pixels (edges repeated)."""
    radius = int(truncate * sigma + 0.5)
    top, bottom = max(0, a - radius), min(len(image), a + radius + 1)
    band = ndimage.gaussian_filter(image[top:bottom].astype(np.float64), sigma, mode="nearest", truncate=truncate)
    return band[a - top]
