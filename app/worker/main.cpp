#include "worker/workerprocess.h"

int main(int argc, char** argv)
{
    return sharedmap::runWorker(argc, argv);
}
