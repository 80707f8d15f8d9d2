#include "cli/cliapp.h"
#include "imageio/imageformat.h"

int main(int argc, char** argv)
{
    sharedmap::registerImageFormat();
    return sharedmap::cli::main(argc, argv);
}
