#pragma once

namespace sharedmap {

/// Registers the image format (PNG, JPEG, TIFF, BMP through Qt's image plug-ins) with the
/// ArrayLoader: grey images load as uint8 (H, W), colour images as uint8 (H, W, 3), alpha dropped.
/// Call once at start, before any input is loaded.
void registerImageFormat();

} // namespace sharedmap
