#include "io/iolog.h"

namespace sharedmap {

Q_LOGGING_CATEGORY(lcIo, "sharedmap.io", QtInfoMsg)

} // namespace sharedmap
