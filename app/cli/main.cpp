#include "cliapp.h"

int main(int argc, char** argv)
{
    return sharedmap::cli::main(argc, argv);
}
