#pragma once

#include <QString>

namespace sharedmap {

/// "01:05" or "1:01:05", as tqdm prints durations.
QString formatDuration(double seconds);

/// tqdm's statistics text: "450/1000 [00:02<00:03, 180.10it/s]".
QString formatProgressStats(qint64 done, qint64 total, double elapsedS, double rate);

/// A whole tqdm-shaped line: " 45%|████▌     | 450/1000 [00:02<00:03, 180.10it/s]".
QString formatProgressLine(qint64 done, qint64 total, double elapsedS, double rate, int barWidth = 10);

/// "1.5 GiB", "800.0 MiB", "512 B".
QString formatBytes(qint64 bytes);

} // namespace sharedmap
