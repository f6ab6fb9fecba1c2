#include "server/integrator_server.h"

#include <fcntl.h>
#include <grpcpp/health_check_service_interface.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <thread>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.pb.h"
#include "server/auth/api_key.h"
#include "server/auth/scopes.h"
#include "server/crypto/random.h"
#include "server/sealing/master_key.h"
#include "server/store/store_factory.h"

namespace integrator {
namespace {

// The stock health service is not built from the protobuf descriptor, so
// reflection could list grpc.health.v1.Health but not describe it. Reading
// its name from the generated descriptor links the file in and registers it
// in the pool, which is what grpcurl needs to call Health without -proto.
std::string HealthServiceName() {
  return grpc::health::v1::HealthCheckRequest::descriptor()
      ->file()
      ->FindServiceByName("Health")
      ->full_name();
}

absl::StatusOr<std::string> ReadPemFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read TLS file '", path, "'"));
  }
  std::string pem(std::istreambuf_iterator<char>(in), {});
  if (pem.empty() || pem.size() > (1 << 20)) {
    return absl::FailedPreconditionError(
        absl::StrCat("TLS file '", path, "' is empty or too large"));
  }
  return pem;
}

absl::Status Bootstrap(Store& store, const std::string& key_file) {
  absl::StatusOr<std::string> id_bytes = crypto::RandomBytes(8);
  absl::StatusOr<auth::NewApiKey> key = auth::MintApiKey();
  if (!id_bytes.ok() || !key.ok()) {
    return absl::InternalError("the random number generator failed");
  }
  const int64_t now = absl::ToUnixMillis(absl::Now());
  const Integrator integrator{
      absl::StrCat("itg_", absl::BytesToHexString(*id_bytes)), "bootstrap",
      now};
  if (absl::Status s = store.CreateIntegrator(integrator); !s.ok()) return s;
  if (absl::Status s = store.CreateApiKey(
          auth::ApiKeyRecordFor(*key, integrator.id, "",
                                {std::string(auth::kScopeWriteWebhookSecret)}));
      !s.ok()) {
    return s;
  }
  const int fd =
      open(key_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", key_file));
  }
  const std::string line = absl::StrCat(key->key, "\n");
  const bool written =
      write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  close(fd);
  crypto::Wipe(key->key);
  if (!written) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", key_file));
  }
  return absl::OkStatus();
}

}  // namespace

IntegratorServer::IntegratorServer(ServerOptions options)
    : options_(std::move(options)) {}

IntegratorServer::~IntegratorServer() { Shutdown(); }

absl::Status IntegratorServer::Start() {
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenStore(options_.store_uri,
                {.simulated_commit_latency = options_.simulated_commit_latency,
                 .connections = options_.store_connections,
                 .statement_timeout = options_.store_statement_timeout});
  if (!store.ok()) return store.status();
  store_ = std::move(*store);

  absl::StatusOr<MasterKeyring> ring = ResolveMasterKeyringFor(
      store_->sealed_rows(), {.path = options_.master_key_file,
                              .active_key_id = options_.active_master_key_id,
                              .allow_create = store_->traits().embedded});
  if (absl::IsNotFound(ring.status()) && store_->traits().in_memory) {
    // Nothing outlives a memory store, so neither need its key: no file.
    absl::StatusOr<std::string> bytes = crypto::RandomBytes(32);
    if (!bytes.ok()) return bytes.status();
    sealer_ = std::make_unique<SecretSealer>(MasterKey(std::move(*bytes)));
  } else if (absl::IsNotFound(ring.status()) && !store_->traits().embedded) {
    return absl::NotFoundError(absl::StrCat(
        ring.status().message(),
        "; a shared store never creates one: make it once with `(umask 077; "
        "head -c 32 /dev/urandom > ",
        options_.master_key_file, ")` and give every replica the same file"));
  } else if (!ring.ok()) {
    return ring.status();
  } else {
    sealer_ = std::make_unique<SecretSealer>(*std::move(ring));
  }

  if (!options_.bootstrap_key_file.empty()) {
    if (absl::Status s = Bootstrap(*store_, options_.bootstrap_key_file);
        !s.ok()) {
      return s;
    }
  }
  // A store in a file or a database is also written by other processes
  // (integrator-admin, other replicas), so only a bounded cache is both
  // fast and correct; the memory store is itself a hash map. For SQLite the
  // cache saves a read transaction per call: 12% more REST throughput.
  CredentialStore* credential_store = store_.get();
  if (!store_->traits().in_memory) {
    credential_cache_ = std::make_unique<auth::CredentialCache>(
        store_.get(), options_.credential_ttl);
    credential_store = credential_cache_.get();
  }
  authenticator_ =
      std::make_unique<auth::Authenticator>(credential_store, sealer_.get());
  core_ = std::make_unique<core::IntegratorCore>(
      store_.get(), sealer_.get(), authenticator_.get(),
      options_.previous_secret_ttl_cap);
  pipeline_ =
      std::make_unique<core::CallPipeline>(store_.get(), authenticator_.get());
  webhook_core_ = std::make_unique<core::WebhookCore>(
      store_.get(), pipeline_.get(), options_.webhooks);
  methods_ = std::make_unique<core::MethodRegistry>(
      core_.get(), webhook_core_.get(),
      static_cast<size_t>(options_.max_receive_bytes));
  if (options_.deliver_webhooks) {
    webhook::DeliveryOptions delivery = options_.delivery;
    delivery.allow_http = options_.webhooks.allow_http;
    delivery.allow_private_targets = options_.webhooks.allow_private_targets;
    delivery.resolver = options_.webhooks.resolver;
    // Leases of a store that only this process serves can be taken back at
    // once: their holder is gone.
    delivery.release_leases_at_start = !store_->traits().shared_by_replicas;
    delivery.store_size = [store = store_.get()] { return store->SizeBytes(); };
    delivery_ = std::make_unique<webhook::DeliveryEngine>(
        &store_->webhooks(), store_.get(), sealer_.get(), std::move(delivery));
    if (absl::Status s = delivery_->Start(); !s.ok()) return s;
    webhook_core_->set_on_published(
        [engine = delivery_.get()] { engine->Wake(); });
  }
  dispatcher_ = std::make_unique<rpc::UnaryDispatcher>(
      methods_.get(), options_.grpc_workers > 0
                          ? options_.grpc_workers
                          : static_cast<int>(std::max(
                                1u, std::thread::hardware_concurrency())));

  grpc::EnableDefaultHealthCheckService(true);
  std::shared_ptr<grpc::ServerCredentials> credentials =
      grpc::InsecureServerCredentials();
  if (!options_.tls_cert_file.empty() || !options_.tls_key_file.empty()) {
    absl::StatusOr<std::string> cert = ReadPemFile(options_.tls_cert_file);
    absl::StatusOr<std::string> key = ReadPemFile(options_.tls_key_file);
    if (!cert.ok()) return cert.status();
    if (!key.ok()) return key.status();
    grpc::SslServerCredentialsOptions tls;
    tls.pem_key_cert_pairs.push_back({*key, *cert});
    credentials = grpc::SslServerCredentials(tls);
  }
  absl::StatusOr<std::unique_ptr<transport::GrpcAcceptor>> acceptor =
      transport::GrpcAcceptor::Bind(
          {.address = options_.grpc_address,
           .max_connections = options_.max_grpc_connections});
  if (!acceptor.ok()) return acceptor.status();
  acceptor_ = std::move(*acceptor);
  grpc::ServerBuilder builder;
  acceptor_->Register(builder, credentials);
  transport::ApplyGrpcLimits(options_.grpc_limits, builder);
  builder.SetMaxReceiveMessageSize(
      static_cast<int>(methods_->largest_request_bytes()));
  if (absl::Status s = dispatcher_->Register(builder); !s.ok()) return s;
  listed_services_ = dispatcher_->ServiceNames();
  listed_services_.push_back(HealthServiceName());
  for (const std::string& name : rpc::ReflectionService::ServiceNames()) {
    listed_services_.push_back(name);
  }
  reflection_ = std::make_unique<rpc::ReflectionService>(&listed_services_);
  reflection_->Register(builder);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot start gRPC on ", options_.grpc_address));
  }
  dispatcher_->Start();
  acceptor_->Start();
  grpc_port_ = acceptor_->port();
  // Per service, as load balancers and Kubernetes probes ask; "" is the
  // server as a whole. Names not set here are NOT_FOUND.
  for (const std::string& name : dispatcher_->ServiceNames()) {
    server_->GetHealthCheckService()->SetServingStatus(name, false);
  }
  // Not serving until the first probe says the store answers.
  server_->GetHealthCheckService()->SetServingStatus(false);
  // From here on health follows readiness: the store answers and the
  // server is not draining.
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  Store* probed_store = store_.get();
  absl::MutexLock lock(&readiness_mu_);
  readiness_ = std::make_unique<ReadinessMonitor>(
      [probed_store] { return probed_store->CheckReachable(); },
      [health, first = true](bool ready) mutable {
        if (!first || !ready) {
          std::cerr << (ready ? "integrator-server: ready: health SERVING\n"
                              : "integrator-server: not ready: health "
                                "NOT_SERVING\n");
        }
        first = false;
        health->SetServingStatus(ready);
      },
      options_.readiness_interval);
  return absl::OkStatus();
}

std::vector<std::string> IntegratorServer::ServiceNames() const {
  if (dispatcher_ == nullptr) return {};
  return dispatcher_->ServiceNames();
}

void IntegratorServer::SetNotServing() {
  draining_ = true;
  if (acceptor_ != nullptr) acceptor_->Stop();
  absl::MutexLock lock(&readiness_mu_);
  if (readiness_ != nullptr) readiness_->SetDraining();
}

absl::StatusOr<std::string> IntegratorServer::ReloadKeyring() {
  if (store_ == nullptr || sealer_ == nullptr) {
    return absl::FailedPreconditionError("the server has not started");
  }
  absl::StatusOr<MasterKeyring> ring = ResolveMasterKeyringFor(
      store_->sealed_rows(), {.path = options_.master_key_file,
                              .active_key_id = options_.active_master_key_id,
                              .allow_create = false});
  if (!ring.ok()) return ring.status();
  const std::string in_use = sealer_->key_id();
  if (ring->Find(in_use) == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the new keyring lacks master key id ", in_use,
        ", which seals new secrets until the reload: make another key "
        "active first (add it, reload, rotate), then retire this one"));
  }
  std::string active = ring->active().key_id();
  sealer_->ReplaceRing(*std::move(ring));
  return active;
}

absl::Status IntegratorServer::Readiness() const {
  if (draining_) return absl::UnavailableError("draining");
  absl::MutexLock lock(&readiness_mu_);
  if (readiness_ == nullptr) return absl::UnavailableError("not started");
  if (!readiness_->ready()) {
    return absl::UnavailableError("the store does not answer");
  }
  return absl::OkStatus();
}

void IntegratorServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  if (acceptor_ != nullptr) acceptor_->Stop();
  // Webhook attempts in flight finish (or are cut short) while calls drain;
  // the rest stay pending in the store.
  std::thread delivery_drain;
  if (delivery_ != nullptr) {
    delivery_drain =
        std::thread([this] { delivery_->Shutdown(options_.drain_timeout); });
  }
  // Not ready for good, and no more probes of a store about to close.
  draining_ = true;
  {
    absl::MutexLock lock(&readiness_mu_);
    if (readiness_ != nullptr) {
      readiness_->SetDraining();
      readiness_.reset();
    }
  }
  if (server_ != nullptr) {
    // In-flight calls keep running until done or until the deadline; their
    // store writes still commit because the store closes only afterwards.
    server_->Shutdown(absl::ToChronoTime(absl::Now() + options_.drain_timeout));
    dispatcher_->Stop();
    server_->Wait();
  }
  if (delivery_drain.joinable()) delivery_drain.join();
  if (store_ != nullptr) store_->Close();
}

}  // namespace integrator
