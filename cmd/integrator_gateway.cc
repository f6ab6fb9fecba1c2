// integrator-gateway: the REST gateway on its own, in front of a remote gRPC
// server. It learns the routes from the upstream's reflection (or from
// --descriptor_set) and knows nothing of any particular service.
//
// It starts in any order: it listens at once, and while the upstream cannot
// be reached it asks again with backoff and answers 503 problems with
// Retry-After; the routes are served as soon as reflection answers.
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iostream>
#include <iterator>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "cmd/fd_budget.h"
#include "cmd/http_flags.h"
#include "cmd/log_flags.h"
#include "cmd/usage.h"
#include "gateway/admin_server.h"
#include "gateway/descriptor_loader.h"
#include "gateway/header_policy.h"
#include "gateway/rest_gateway.h"
#include "proto/rpc/log_sink.h"
#include "proto/rpc/metrics.h"
#include "proto/rpc/process_metrics.h"
#include "proto/rpc/version.h"

ABSL_FLAG(std::string, upstream, "", "host:port of the gRPC server (required)");
ABSL_FLAG(std::string, upstream_tls_ca, "",
          "PEM file of the CA that signed the upstream's certificate; turns "
          "on TLS to the upstream");
ABSL_FLAG(std::string, descriptor_set, "",
          "FileDescriptorSet to route from, instead of the upstream's "
          "reflection");
ABSL_FLAG(std::string, gateway_key_file, "",
          "file holding an API key with the scope gateway:forward; the "
          "upstream then trusts the facts this gateway reports about signed "
          "requests");
ABSL_FLAG(std::string, admin_address, "127.0.0.1:9091",
          "host:port of the admin listener (/metrics, /healthz, /readyz: "
          "ready once the routes are served); port 0 picks a free port (it "
          "is logged); empty turns it off");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(10),
          "on SIGTERM, how long in-flight requests may take to finish");

namespace {

// The REST face is this process's only listener: it may use the whole
// open-file limit, less the reserve.
gateway::HttpServerOptions HttpOptions() {
  integrator::cmd::RaiseOpenFileLimit();
  gateway::HttpServerOptions options = gateway::HttpServerOptionsFromFlags();
  options.max_connections = integrator::cmd::ConnectionShare(
      options.max_connections, 1, "--max_connections");
  return options;
}

absl::StatusOr<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot read " + path);
  constexpr size_t kMaxFileBytes = 1 << 20;
  std::string text(kMaxFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxFileBytes)
    return absl::InvalidArgumentError(path + " is too large");
  return text;
}

// Asks the upstream's reflection until it answers, with backoff, or until
// `stop` is notified (then the result is Cancelled).
absl::StatusOr<gateway::LoadedDescriptors> LoadFromReflectionWithRetry(
    const std::shared_ptr<grpc::Channel>& channel, absl::Notification& stop) {
  constexpr absl::Duration kFirstBackoff = absl::Milliseconds(200);
  // Small enough that the routes are served within about two seconds of the
  // upstream coming up.
  constexpr absl::Duration kMaxBackoff = absl::Seconds(2);
  absl::Duration backoff = kFirstBackoff;
  for (int attempt = 1;; ++attempt) {
    // Short attempts: a SIGTERM waits for the one under way.
    absl::StatusOr<gateway::LoadedDescriptors> loaded =
        gateway::LoadDescriptorsFromReflection(channel, absl::Seconds(3));
    // Only an upstream that cannot be reached (or answer in time) is worth
    // waiting for; one without reflection, or refusing our credential, or
    // answering with bad descriptors, will not get better by itself.
    if (loaded.ok() || (!absl::IsUnavailable(loaded.status()) &&
                        !absl::IsDeadlineExceeded(loaded.status()))) {
      return loaded;
    }
    // The first failure and then every tenth, so a long wait does not
    // flood the log.
    if (attempt == 1 || attempt % 10 == 0) {
      std::cerr << absl::StrCat(
          "integrator-gateway: upstream reflection unavailable (attempt ",
          attempt, "): ", loaded.status().message(),
          "; answering 503 until it is up\n");
    }
    if (stop.WaitForNotificationWithTimeout(backoff))
      return absl::CancelledError("stopped before the upstream was up");
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

int Fail(absl::string_view message) {
  std::cerr << "integrator-gateway: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  // Request bodies carry secrets: keep them out of core dumps.
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  integrator::cmd::SetUsage(
      "integrator-gateway",
      "integrator-gateway --upstream=HOST:PORT [--http_address=HOST:PORT] ...");
  absl::ParseCommandLine(argc, argv);
  if (absl::Status s = integrator::cmd::ApplyLogFormatFlag(); !s.ok()) {
    std::cerr << "integrator-gateway: " << s.message() << "\n";
    return 2;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const std::string upstream = absl::GetFlag(FLAGS_upstream);
  if (upstream.empty()) return Fail("--upstream is required");
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  if (!absl::GetFlag(FLAGS_upstream_tls_ca).empty()) {
    absl::StatusOr<std::string> ca =
        ReadSmallFile(absl::GetFlag(FLAGS_upstream_tls_ca));
    if (!ca.ok()) return Fail(ca.status().message());
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = *ca;
    credentials = grpc::SslCredentials(tls);
  }
  grpc::ChannelArguments channel_args;
  channel_args.SetMaxSendMessageSize(absl::GetFlag(FLAGS_max_body_bytes) +
                                     4096);
  // gRPC's default reconnect backoff grows to two minutes; an upstream that
  // restarts should be served again within seconds.
  channel_args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  channel_args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
  channel_args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  auto channel = grpc::CreateCustomChannel(upstream, credentials, channel_args);

  gateway::TranscoderOptions transcoder_options;
  if (!absl::GetFlag(FLAGS_gateway_key_file).empty()) {
    absl::StatusOr<std::string> key =
        ReadSmallFile(absl::GetFlag(FLAGS_gateway_key_file));
    if (!key.ok()) return Fail(key.status().message());
    const std::string trimmed(absl::StripAsciiWhitespace(*key));
    if (!gateway::IsValidMetadataValue(trimmed) || trimmed.empty()) {
      return Fail("--gateway_key_file must hold one printable key");
    }
    transcoder_options.upstream_metadata = {
        {std::string(gateway::kGatewayCredentialKey), trimmed}};
  }

  // A descriptor set that cannot be read is a mistake to report at once.
  // Declared before the gateway: the pool outlives it.
  absl::StatusOr<gateway::LoadedDescriptors> loaded =
      absl::UnavailableError("not loaded yet");
  const bool from_reflection = absl::GetFlag(FLAGS_descriptor_set).empty();
  if (!from_reflection) {
    loaded =
        gateway::LoadDescriptorsFromFile(absl::GetFlag(FLAGS_descriptor_set));
    if (!loaded.ok()) {
      return Fail(std::string("cannot load descriptors: ") +
                  std::string(loaded.status().message()));
    }
  }
  std::atomic<bool> draining{false};
  gateway::RestGatewayOptions rest_options;
  rest_options.transcoder = std::move(transcoder_options);
  rest_options.docs = gateway::OpenApiOptions{
      // Not the upstream's address: the document is public.
      .title = "API served by integrator-gateway",
      .version = std::string(integrator::kVersion),
  };
  absl::StatusOr<std::unique_ptr<gateway::RestGateway>> rest =
      gateway::RestGateway::Listen(
          gateway::GrpcInvokerFor(channel,
                                  absl::GetFlag(FLAGS_request_timeout)),
          std::move(rest_options), HttpOptions());
  if (!rest.ok()) return Fail(rest.status().message());
  integrator::rpc::RegisterProcessMetrics(
      integrator::rpc::Metrics(), "integrator-gateway", integrator::kVersion);
  std::unique_ptr<gateway::AdminServer> admin;
  if (!absl::GetFlag(FLAGS_admin_address).empty()) {
    const gateway::RestGateway* served = rest->get();
    absl::StatusOr<std::unique_ptr<gateway::AdminServer>> started =
        gateway::AdminServer::Start(
            absl::GetFlag(FLAGS_admin_address),
            {.metrics = [] { return integrator::rpc::Metrics().RenderText(); },
             .ready =
                 [served, &draining] {
                   if (draining) return absl::UnavailableError("draining");
                   return served->route_count() > 0
                              ? absl::OkStatus()
                              : absl::UnavailableError(
                                    "the routes are not known yet: the "
                                    "upstream's "
                                    "reflection has not answered");
                 }});
    if (!started.ok()) return Fail(started.status().message());
    admin = std::move(*started);
  }
  // One write, so a reader never sees half of this line.
  std::cerr << absl::StrCat(
      "integrator-gateway: listening http_port=", (*rest)->port(),
      admin != nullptr ? absl::StrCat(" admin_port=", admin->port()) : "",
      " upstream=", upstream, "\n");

  // Learns the routes, then serves them; the main thread waits for a signal
  // meanwhile. A fatal load error ends the process as a signal would.
  absl::Notification stop_loading;
  std::atomic<bool> load_failed{false};
  std::thread loader([&] {
    if (from_reflection)
      loaded = LoadFromReflectionWithRetry(channel, stop_loading);
    absl::Status served = loaded.ok()
                              ? (*rest)->Serve(*loaded->pool, loaded->services)
                              : loaded.status();
    if (served.ok()) {
      std::cerr << absl::StrCat(
          "integrator-gateway: serving routes=", (*rest)->route_count(), "\n");
      return;
    }
    if (absl::IsCancelled(served)) return;
    std::cerr << absl::StrCat(
        "integrator-gateway: cannot serve routes: ", served.message(), "\n");
    load_failed = true;
    kill(getpid(), SIGTERM);
  });

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  draining = true;
  stop_loading.Notify();
  loader.join();
  if (load_failed) {
    (*rest)->Shutdown(absl::ZeroDuration());
    integrator::rpc::FlushRequestLog();
    return 1;
  }
  // Lines of requests answered before the signal come before it.
  integrator::rpc::FlushRequestLog();
  std::cerr << "integrator-gateway: signal " << signal_number << ", draining\n";
  (*rest)->Shutdown(absl::GetFlag(FLAGS_drain_timeout));
  // Every call's log line is out before the last line says so.
  integrator::rpc::FlushRequestLog();
  std::cerr << "integrator-gateway: stopped\n";
  return 0;
}
