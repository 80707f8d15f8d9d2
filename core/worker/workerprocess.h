#pragma once

namespace sharedmap {

/// Entry point of `sharedmap-worker --job NAME --slot N --parent PID`: attaches to the job and
/// input segments, claims chunks of positions from the job's counter until none are left,
/// writes results in place, and speaks the framed control protocol on stdin/stdout.
int runWorker(int argc, char** argv);

} // namespace sharedmap
