#include "worker/pipe.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace sharedmap::workerpipe {

void writeFrame(const QByteArray& frame)
{
    qint64 written = 0;
    while (written < frame.size()) {
        const ssize_t n = ::write(STDOUT_FILENO, frame.constData() + written, size_t(frame.size() - written));
        if (n <= 0) {
            if (errno == EINTR)
                continue;
            _exit(0); // the pool is gone
        }
        written += n;
    }
}

void fail(const QString& message)
{
    send(protocol::Error { message });
    std::fprintf(stderr, "sharedmap-worker: %s\n", qPrintable(message));
    std::exit(2);
}

bool readFully(char* into, qint64 bytes)
{
    qint64 done = 0;
    while (done < bytes) {
        const ssize_t n = ::read(STDIN_FILENO, into + done, size_t(qMin<qint64>(bytes - done, qint64(1) << 30)));
        if (n == 0)
            return false;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        done += n;
    }
    return true;
}

} // namespace sharedmap::workerpipe
