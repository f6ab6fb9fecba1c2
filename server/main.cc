// integrator-server: the gRPC service with health and reflection, on the
// embedded SQLite store by default.
#include <signal.h>
#include <sys/prctl.h>

#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "server/integrator_server.h"

ABSL_FLAG(std::string, grpc_address, "127.0.0.1:50051",
          "host:port for gRPC; port 0 picks a free port (it is logged)");
ABSL_FLAG(std::string, store, "sqlite:data/integrator.db",
          "storage: sqlite:PATH (embedded, durable) or memory: (tests and "
          "benchmarks)");
ABSL_FLAG(std::string, master_key_file, "data/master.key",
          "32-byte key that seals secrets at rest; created on first start");
ABSL_FLAG(int, max_body_bytes, 64 * 1024,
          "largest request accepted, in bytes (gRPC messages and REST bodies)");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(10),
          "on SIGTERM, how long in-flight calls may take to finish");
ABSL_FLAG(absl::Duration, simulated_commit_latency, absl::ZeroDuration(),
          "testing only: delay added before every store commit, to emulate a "
          "slow disk");

namespace {

// Blocks the termination signals in every thread (call before any thread
// starts) so that only WaitForTerminationSignal receives them.
sigset_t BlockTerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

}  // namespace

int main(int argc, char** argv) {
  // Secrets pass through this process: keep them out of core dumps.
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  absl::SetProgramUsageMessage(
      "integrator-server [--grpc_address=HOST:PORT] [--store=URI] ...");
  absl::ParseCommandLine(argc, argv);
  const sigset_t signals = BlockTerminationSignals();

  integrator::ServerOptions options;
  options.grpc_address = absl::GetFlag(FLAGS_grpc_address);
  options.store_uri = absl::GetFlag(FLAGS_store);
  options.master_key_file = absl::GetFlag(FLAGS_master_key_file);
  options.max_receive_bytes = absl::GetFlag(FLAGS_max_body_bytes);
  options.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  options.simulated_commit_latency =
      absl::GetFlag(FLAGS_simulated_commit_latency);
  if (options.max_receive_bytes < 1024) {
    std::cerr << "integrator-server: --max_body_bytes must be at least 1024\n";
    return 2;
  }

  integrator::IntegratorServer server(options);
  if (absl::Status s = server.Start(); !s.ok()) {
    std::cerr << "integrator-server: cannot start: " << s.message() << "\n";
    return 1;
  }
  std::cerr << "integrator-server: listening grpc_port="
            << server.grpc_port() << " store=" << options.store_uri << "\n";

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  std::cerr << "integrator-server: signal " << signal_number
            << ", draining in-flight calls\n";
  server.Shutdown();
  std::cerr << "integrator-server: stopped\n";
  return 0;
}
