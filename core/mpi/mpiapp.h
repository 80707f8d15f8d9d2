#pragma once

namespace sharedmap::mpi {

/// `sharedmap-mpi run [every option of sharedmap-cli run] [--mpi-node-split host|rank]`,
/// started by mpirun on every rank. Returns the process exit code (rank 0's is the run's:
/// 0, 2, 3, 130 or 143).
int main(int argc, char** argv);

} // namespace sharedmap::mpi
