#include "worker/pipe.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

namespace sharedmap::workerpipe {

namespace {
int g_protocolOut = STDOUT_FILENO;
int g_commandIn = STDIN_FILENO;
} // namespace

void moveOffStdio()
{
    const int out = ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    const int in = ::fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
    if (out < 0 || in < 0)
        return; // keep the pipes where they are: a worker that prints would still work, less safely
    g_protocolOut = out;
    g_commandIn = in;
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
    const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null >= 0) {
        ::dup2(null, STDIN_FILENO); // dup2 clears close-on-exec on fd 0
        ::close(null);
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // C-level prints reach the log line by line
}

int protocolOut()
{
    return g_protocolOut;
}

int commandIn()
{
    return g_commandIn;
}

void writeFrame(const QByteArray& frame)
{
    qint64 written = 0;
    while (written < frame.size()) {
        const ssize_t n = ::write(g_protocolOut, frame.constData() + written, size_t(frame.size() - written));
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
        const ssize_t n = ::read(g_commandIn, into + done, size_t(qMin<qint64>(bytes - done, qint64(1) << 30)));
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
