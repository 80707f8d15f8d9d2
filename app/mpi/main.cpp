#include "imageio/imageformat.h"
#include "mpi/mpiapp.h"

int main(int argc, char** argv)
{
    sharedmap::registerImageFormat(); // PNG output and image input, as sharedmap-cli reads and writes them
    return sharedmap::mpi::main(argc, argv);
}
