#pragma once

namespace sharedmap {

/// Registers the image format (PNG, JPEG, TIFF, BMP through Qt's image plug-ins) with the
/// ArrayLoader: grey images load as uint8 (H, W), colour images as uint8 (H, W, 3), alpha dropped.
/// Also registers `.png` as a result format: image-shaped results (W values per index: grey,
/// scaled from their minimum to their maximum; W×3: RGB, clamped to 0..255), one image row per
/// position. Call once at start, before any input is loaded.
void registerImageFormat();

} // namespace sharedmap
