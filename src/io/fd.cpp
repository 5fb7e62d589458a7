// Fd: the one owner of a file descriptor (fd.hpp).
//
// Layer: I/O. Out of line, so that fd.hpp, part of the API, needs no
// <unistd.h>: an application that includes porter.hpp does not get all of POSIX.
#include "fd.hpp"

#include <unistd.h>

namespace porter {

// close(2) can report EINTR or EIO, but on Linux the descriptor is released
// either way, and retrying could close a descriptor another thread just got.
void Fd::reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

}  // namespace porter
