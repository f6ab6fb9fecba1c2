// integrator-server: the composition root. It runs the gRPC service (with
// health and reflection) on the embedded SQLite store by default, and the
// REST gateway in front of the same service core through a direct invoker
// (no gRPC on the way). The service itself knows no HTTP; only cmd/ wires
// the two together.
#include "server/integrator_server.h"

#include <signal.h>
#include <sys/prctl.h>

#include <iostream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cmd/api_documentation.h"
#include "cmd/direct_invoker.h"
#include "cmd/fd_budget.h"
#include "cmd/http_flags.h"
#include "cmd/log_flags.h"
#include "cmd/usage.h"
#include "gateway/admin_server.h"
#include "gateway/rest_gateway.h"
#include "proto/rpc/log_sink.h"
#include "proto/rpc/metrics.h"
#include "proto/rpc/process_metrics.h"
#include "proto/rpc/version.h"
#include "server/process/heap_trimmer.h"
#include "server/webhook/retry_schedule.h"

ABSL_FLAG(std::string, grpc_address, "127.0.0.1:50051",
          "host:port for gRPC; port 0 picks a free port (it is logged)");
ABSL_FLAG(std::string, admin_address, "127.0.0.1:9090",
          "host:port of the admin listener (/metrics, /healthz, /readyz); "
          "port 0 picks a free port (it is logged); empty turns it off");
ABSL_FLAG(std::string, store, "sqlite:data/integrator.db",
          "storage: sqlite:PATH (embedded, durable), postgresql://… (shared "
          "by replicas; a libpq URI, several hosts allowed) or memory: "
          "(tests and benchmarks)");
ABSL_FLAG(std::string, master_key_file, "data/master.key",
          "32-byte key that seals secrets at rest, or a folder of such *.key "
          "files (the keyring); created on the embedded store's first start, "
          "given to every replica of a shared one");
ABSL_FLAG(std::string, active_master_key_id, "",
          "the keyring's key that seals new secrets (its 16-hex id); empty: "
          "the key file most recently added to the folder");
ABSL_FLAG(int, store_connections, 8,
          "PostgreSQL: connections this process opens at most (1 to 256)");
ABSL_FLAG(absl::Duration, store_statement_timeout, absl::Seconds(5),
          "PostgreSQL: a statement running longer is cancelled (a commit "
          "waiting for a lost standby included) and the call is UNAVAILABLE");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(10),
          "on SIGTERM, how long in-flight calls may take to finish");
ABSL_FLAG(
    std::string, grpc_tls_cert_file, "",
    "PEM certificate chain for gRPC; with --grpc_tls_key_file turns on TLS");
ABSL_FLAG(std::string, grpc_tls_key_file, "", "PEM private key for gRPC TLS");
ABSL_FLAG(std::string, bootstrap_key_file, "",
          "benchmarks and tests only: create an integrator with a "
          "write:webhook-secret key at start and write the key here");
ABSL_FLAG(int, grpc_max_connections, 10000,
          "open gRPC connections at most; more are closed at once");
ABSL_FLAG(int, grpc_max_concurrent_streams, 100,
          "concurrent calls per gRPC connection (HTTP/2 "
          "SETTINGS_MAX_CONCURRENT_STREAMS)");
ABSL_FLAG(absl::Duration, grpc_max_connection_age, absl::Minutes(5),
          "a gRPC connection is asked to go away (GOAWAY) at this age");
ABSL_FLAG(absl::Duration, grpc_max_connection_age_grace, absl::Seconds(30),
          "then closed this much later, calls still open included; together "
          "they bound a call whose message never arrives");
ABSL_FLAG(bool, webhook_allow_http, false,
          "local tests only: accept http:// webhook URLs (logged loudly)");
ABSL_FLAG(bool, webhook_allow_private_targets, false,
          "local tests only: accept webhook URLs that resolve to loopback, "
          "private or other non-public addresses (logged loudly)");
ABSL_FLAG(absl::Duration, webhook_timeout, absl::Seconds(10),
          "how long one webhook attempt may take; only a 2xx within it "
          "succeeds");
ABSL_FLAG(std::string, webhook_retry_schedule,
          std::string(integrator::webhook::kDefaultRetrySchedule),
          "delays between a webhook delivery's attempts (each +-20%); after "
          "the last one fails, the delivery has failed");
ABSL_FLAG(int, webhook_disable_after, 50,
          "consecutive failed attempts that disable a webhook (1 to 1000)");
ABSL_FLAG(int, webhook_workers, 16,
          "webhook attempts sent at once (1 to 256); a slow receiver holds "
          "one of them for at most --webhook_timeout");
ABSL_FLAG(absl::Duration, delivery_retention, absl::Hours(24 * 30),
          "finished webhook deliveries (and events no delivery needs) older "
          "than this are pruned (1s to 3650 days)");
ABSL_FLAG(absl::Duration, housekeeping_interval, absl::Minutes(1),
          "how often replaced secrets past their overlap window are erased "
          "(1s to 1h)");
ABSL_FLAG(absl::Duration, previous_secret_ttl_cap, absl::Hours(24),
          "the longest a replaced webhook secret keeps signing beside the new "
          "one, whatever previousSecretTtl asks (1s to 24h)");
ABSL_FLAG(absl::Duration, simulated_commit_latency, absl::ZeroDuration(),
          "testing only: delay added before every store commit, to emulate a "
          "slow disk");

namespace {

// Blocks the termination signals in every thread (call before any thread
// starts) so that only the sigwait in main receives them.
sigset_t BlockTerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  // Not a termination: SIGHUP reloads the master keyring.
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// REST and gRPC share the process's open-file limit, half each
// (cmd/fd_budget.h), so floods on both never exhaust it.
gateway::HttpServerOptions HttpOptions() {
  gateway::HttpServerOptions options = gateway::HttpServerOptionsFromFlags();
  options.max_connections = integrator::cmd::ConnectionShare(
      options.max_connections, 2, "--max_connections");
  return options;
}

absl::StatusOr<std::unique_ptr<gateway::RestGateway>> StartGateway(
    integrator::IntegratorServer& server) {
  gateway::RestGatewayOptions options;
  options.docs = gateway::OpenApiOptions{
      .title = "integrator-api",
      .version = std::string(integrator::kVersion),
      .documentation = integrator::cmd::DocumentedApiPool(),
  };
  return gateway::RestGateway::Start(
      *google::protobuf::DescriptorPool::generated_pool(),
      server.ServiceNames(),
      std::make_shared<integrator::cmd::DirectInvoker>(
          &server.methods(), absl::GetFlag(FLAGS_request_timeout)),
      std::move(options), HttpOptions());
}

}  // namespace

int main(int argc, char** argv) {
  // Secrets pass through this process: keep them out of core dumps.
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  // Debian's Abseil checks every Mutex acquisition for lock-order cycles;
  // that is a debugging aid, and costs a graph lookup on each hot-path lock.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  integrator::cmd::SetUsage(
      "integrator-server",
      "integrator-server [--grpc_address=HOST:PORT] [--http_address=HOST:PORT] "
      "[--store=URI] ...");
  absl::ParseCommandLine(argc, argv);
  const sigset_t signals = BlockTerminationSignals();
  if (absl::Status s = integrator::cmd::ApplyLogFormatFlag(); !s.ok()) {
    std::cerr << "integrator-server: " << s.message() << "\n";
    return 2;
  }

  integrator::ServerOptions options;
  options.grpc_address = absl::GetFlag(FLAGS_grpc_address);
  options.store_uri = absl::GetFlag(FLAGS_store);
  options.master_key_file = absl::GetFlag(FLAGS_master_key_file);
  options.active_master_key_id = absl::GetFlag(FLAGS_active_master_key_id);
  options.max_receive_bytes = absl::GetFlag(FLAGS_max_body_bytes);
  options.drain_timeout = absl::GetFlag(FLAGS_drain_timeout);
  options.simulated_commit_latency =
      absl::GetFlag(FLAGS_simulated_commit_latency);
  options.store_connections = absl::GetFlag(FLAGS_store_connections);
  options.store_statement_timeout =
      absl::GetFlag(FLAGS_store_statement_timeout);
  options.bootstrap_key_file = absl::GetFlag(FLAGS_bootstrap_key_file);
  options.tls_cert_file = absl::GetFlag(FLAGS_grpc_tls_cert_file);
  options.tls_key_file = absl::GetFlag(FLAGS_grpc_tls_key_file);
  options.webhooks.allow_http = absl::GetFlag(FLAGS_webhook_allow_http);
  options.webhooks.allow_private_targets =
      absl::GetFlag(FLAGS_webhook_allow_private_targets);
  absl::StatusOr<integrator::webhook::RetrySchedule> schedule =
      integrator::webhook::RetrySchedule::Parse(
          absl::GetFlag(FLAGS_webhook_retry_schedule));
  if (!schedule.ok()) {
    std::cerr << "integrator-server: --webhook_retry_schedule: "
              << schedule.status().message() << "\n";
    return 2;
  }
  options.delivery.schedule = *std::move(schedule);
  options.delivery.timeout = absl::GetFlag(FLAGS_webhook_timeout);
  options.delivery.disable_after = absl::GetFlag(FLAGS_webhook_disable_after);
  options.delivery.workers = absl::GetFlag(FLAGS_webhook_workers);
  options.previous_secret_ttl_cap =
      absl::GetFlag(FLAGS_previous_secret_ttl_cap);
  options.delivery.housekeeping_interval =
      absl::GetFlag(FLAGS_housekeeping_interval);
  options.delivery.delivery_retention = absl::GetFlag(FLAGS_delivery_retention);
  if (options.delivery.delivery_retention < absl::Seconds(1) ||
      options.delivery.delivery_retention > absl::Hours(24 * 3650)) {
    std::cerr << "integrator-server: --delivery_retention must be 1s to 3650 "
                 "days\n";
    return 2;
  }
  if (options.delivery.housekeeping_interval < absl::Seconds(1) ||
      options.delivery.housekeeping_interval > absl::Hours(1)) {
    std::cerr << "integrator-server: --housekeeping_interval must be 1s to "
                 "1h\n";
    return 2;
  }
  if (options.previous_secret_ttl_cap < absl::Seconds(1) ||
      options.previous_secret_ttl_cap > absl::Hours(24)) {
    std::cerr << "integrator-server: --previous_secret_ttl_cap must be 1s to "
                 "24h\n";
    return 2;
  }
  if (options.delivery.timeout < absl::Milliseconds(100) ||
      options.delivery.timeout > absl::Minutes(5) ||
      options.delivery.disable_after < 1 ||
      options.delivery.disable_after > 1000 || options.delivery.workers < 1 ||
      options.delivery.workers > 256) {
    std::cerr << "integrator-server: --webhook_timeout must be 100ms to 5m, "
                 "--webhook_disable_after 1 to 1000, --webhook_workers 1 to "
                 "256\n";
    return 2;
  }
  if (options.webhooks.allow_http) {
    std::cerr << "integrator-server: WARNING --webhook_allow_http: webhooks "
                 "may be sent unencrypted; for local tests only\n";
  }
  if (options.webhooks.allow_private_targets) {
    std::cerr << "integrator-server: WARNING --webhook_allow_private_targets: "
                 "the SSRF guard is off; webhooks may reach loopback and "
                 "private networks; for local tests only\n";
  }
  integrator::cmd::RaiseOpenFileLimit();
  options.max_grpc_connections = integrator::cmd::ConnectionShare(
      absl::GetFlag(FLAGS_grpc_max_connections), 2, "--grpc_max_connections");
  options.grpc_limits.max_concurrent_streams =
      absl::GetFlag(FLAGS_grpc_max_concurrent_streams);
  options.grpc_limits.max_connection_age =
      absl::GetFlag(FLAGS_grpc_max_connection_age);
  options.grpc_limits.max_connection_age_grace =
      absl::GetFlag(FLAGS_grpc_max_connection_age_grace);
  if (options.max_receive_bytes < 1024 ||
      options.max_receive_bytes > (64 << 20)) {
    std::cerr << "integrator-server: --max_body_bytes must be 1024 to 64 MiB\n";
    return 2;
  }

  // Gives memory freed after a flood back to the kernel.
  integrator::process::HeapTrimmer heap_trimmer({});
  integrator::IntegratorServer server(options);
  if (absl::Status s = server.Start(); !s.ok()) {
    std::cerr << "integrator-server: cannot start: " << s.message() << "\n";
    return 1;
  }
  std::unique_ptr<gateway::RestGateway> http;
  if (!absl::GetFlag(FLAGS_http_address).empty()) {
    absl::StatusOr<std::unique_ptr<gateway::RestGateway>> started =
        StartGateway(server);
    if (!started.ok()) {
      std::cerr << "integrator-server: cannot start the REST gateway: "
                << started.status().message() << "\n";
      return 1;
    }
    http = std::move(*started);
  }
  integrator::rpc::RegisterProcessMetrics(
      integrator::rpc::Metrics(), "integrator-server", integrator::kVersion);
  std::unique_ptr<gateway::AdminServer> admin;
  if (!absl::GetFlag(FLAGS_admin_address).empty()) {
    absl::StatusOr<std::unique_ptr<gateway::AdminServer>> started =
        gateway::AdminServer::Start(
            absl::GetFlag(FLAGS_admin_address),
            {.metrics = [] { return integrator::rpc::Metrics().RenderText(); },
             .ready = [&server] { return server.Readiness(); }});
    if (!started.ok()) {
      std::cerr << "integrator-server: cannot start: "
                << started.status().message() << "\n";
      return 1;
    }
    admin = std::move(*started);
  }
  // One write, so a reader never sees half of this line.
  std::cerr << absl::StrCat(
      "integrator-server: listening grpc_port=", server.grpc_port(),
      http != nullptr ? absl::StrCat(" http_port=", http->port()) : "",
      admin != nullptr ? absl::StrCat(" admin_port=", admin->port()) : "",
      " store=", options.store_uri, "\n");

  int signal_number = 0;
  for (;;) {
    sigwait(&signals, &signal_number);
    if (signal_number != SIGHUP) break;
    absl::StatusOr<std::string> active = server.ReloadKeyring();
    std::cerr << (active.ok()
                      ? absl::StrCat("integrator-server: SIGHUP: master "
                                     "keyring reloaded, active key id ",
                                     *active, "\n")
                      : absl::StrCat("integrator-server: SIGHUP: master "
                                     "keyring not reloaded, the one in use "
                                     "stays: ",
                                     active.status().message(), "\n"));
  }
  // Lines of requests answered before the signal come before it.
  integrator::rpc::FlushRequestLog();
  std::cerr << "integrator-server: signal " << signal_number
            << ", draining in-flight calls\n";
  // Health says NOT_SERVING at once; then REST drains first, because its
  // requests are calls into the service core, which needs its store open.
  server.SetNotServing();
  if (http != nullptr) http->Shutdown(options.drain_timeout);
  server.Shutdown();
  // /readyz said 503 throughout the drain; now the probes may go.
  if (admin != nullptr) admin->Shutdown();
  // Every call's log line is out before the last line says so.
  integrator::rpc::FlushRequestLog();
  std::cerr << "integrator-server: stopped\n";
  return 0;
}
