// integrator-admin: operator commands straight against the store, for when
// there is no credential yet (the first integrator and key) or no server.
//
//   integrator-admin [--store=URI] [--master_key_file=F] COMMAND [flags]
//     create-integrator --name N        prints the new integrator id
//     create-key --integrator ID --scopes S[,S]   prints the key, once
//     create-key --service NAME --scopes S[,S]    (an internal caller's key)
//     create-key --integrator ID --signing [--scopes S]  prints the int_… key
//                id, then its API secret, once (for signed requests)
//     revoke-key KEY_ID_OR_PREFIX
//     list-integrators
//     sign-webhook --integrator ID --body_file F  prints the Signature value
//     publish-event --integrator ID --type T --data_file F  prints the event
//                id (running servers deliver it at their next poll)
//
// Exit codes: 0 success, 1 failure, 2 bad usage, 3 no webhook secret set.
// Flags may stand before or after the command.
#include <sys/prctl.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "cmd/admin_backup.h"
#include "cmd/admin_keyring.h"
#include "cmd/admin_rotation.h"
#include "cmd/usage.h"
#include "server/auth/api_key.h"
#include "server/auth/scopes.h"
#include "server/crypto/random.h"
#include "server/sealing/master_key.h"
#include "server/sealing/secret_sealer.h"
#include "server/service/webhook_policy.h"
#include "server/service/webhook_secret_policy.h"
#include "server/store/store_factory.h"
#include "server/webhook/webhook_signature.h"

ABSL_FLAG(std::string, store, "sqlite:data/integrator.db",
          "storage URI, as given to integrator-server");
ABSL_FLAG(std::string, master_key_file, "data/master.key",
          "the server's master key file, or its folder of *.key files (the "
          "keyring; needed by create-key --signing, sign-webhook, "
          "master-keys)");
ABSL_FLAG(int, count, 1, "create-integrator: how many to make (1 to 100000)");
ABSL_FLAG(std::string, to, "", "backup: the new file to copy the store to");
ABSL_FLAG(std::string, from, "",
          "restore: the backup to copy to --store's file (which must not "
          "exist)");
ABSL_FLAG(std::string, new_key_file, "",
          "rotate-master-key: the key to re-seal under; created (mode 0600) "
          "when it does not exist. Empty: the keyring's active key");
ABSL_FLAG(int, batch_size, 200,
          "rotate-master-key: rows re-sealed per transaction (1 to 5000)");
ABSL_FLAG(bool, verify, false,
          "rotate-master-key: only open every sealed row with the keyring "
          "and report those that do not open");
ABSL_FLAG(std::string, active_master_key_id, "",
          "the keyring's key that seals new secrets; empty: the key file "
          "most recently added");
ABSL_FLAG(std::string, name, "", "create-integrator: display name");
ABSL_FLAG(std::string, integrator, "", "the integrator id to act on");
ABSL_FLAG(std::string, service, "", "create-key: internal service name");
ABSL_FLAG(std::string, scopes, "", "create-key: comma-separated scopes");
ABSL_FLAG(std::string, body_file, "", "sign-webhook: file with the raw body");
ABSL_FLAG(std::string, type, "", "publish-event: the event type");
ABSL_FLAG(std::string, data_file, "",
          "publish-event: file with the event's data, a JSON object");
ABSL_FLAG(bool, signing, false,
          "create-key: make a signing key (X-Integrator-Key and API secret) "
          "instead of a Bearer key");

namespace integrator {
namespace {

constexpr size_t kMaxNameLength = 200;
constexpr std::streamsize kMaxBodyFileBytes = 16 << 20;

int Fail(absl::string_view message, int code = 1) {
  std::cerr << "integrator-admin: " << message << "\n";
  return code;
}

cmd::KeyringFlags KeyringFlags() {
  return {.path = absl::GetFlag(FLAGS_master_key_file),
          .active_key_id = absl::GetFlag(FLAGS_active_master_key_id)};
}

// --count N makes N integrators named "<name> 1" to "<name> N" (in bulk,
// for load tests and migrations), printing one id a line.
int CreateIntegrator(Store& store) {
  const std::string name = absl::GetFlag(FLAGS_name);
  const int count = absl::GetFlag(FLAGS_count);
  if (name.empty() || name.size() > kMaxNameLength - 8) {
    return Fail("create-integrator needs --name of 1 to 192 bytes", 2);
  }
  if (count < 1 || count > 100000) {
    return Fail("--count must be 1 to 100000", 2);
  }
  for (int i = 1; i <= count; ++i) {
    absl::StatusOr<std::string> random = crypto::RandomBytes(8);
    if (!random.ok()) return Fail(random.status().message());
    const Integrator integrator{
        absl::StrCat("itg_", absl::BytesToHexString(*random)),
        count == 1 ? name : absl::StrCat(name, " ", i),
        absl::ToUnixMillis(absl::Now())};
    if (absl::Status s = store.CreateIntegrator(integrator); !s.ok()) {
      return Fail(s.message());
    }
    std::cout << integrator.id << "\n";
  }
  return 0;
}

// A signing key seals its API secret, so it needs the master key. Only the
// server creates that file (on its first start): were the admin tool to
// make one, a typo in --master_key_file would seal under a key the running
// server does not have.
int CreateSigningKey(Store& store, const std::string& integrator_id,
                     const std::vector<std::string>& scopes) {
  absl::StatusOr<MasterKeyring> ring = cmd::OpenKeyring(store, KeyringFlags());
  if (!ring.ok()) return Fail(ring.status().message());
  const SecretSealer sealer(*std::move(ring));
  absl::StatusOr<std::string> id_bytes = crypto::RandomBytes(12);
  absl::StatusOr<auth::NewApiKey> secret = auth::MintApiKey();
  if (!id_bytes.ok() || !secret.ok())
    return Fail("the random number generator failed");
  SigningKeyRecord record;
  record.key_id = absl::StrCat("int_", absl::BytesToHexString(*id_bytes));
  record.integrator_id = integrator_id;
  record.scopes = scopes;
  record.created_at_ms = absl::ToUnixMillis(absl::Now());
  absl::Status s = store.CreateSigningKey(
      record, [&](int64_t version) -> absl::StatusOr<SealedSecret> {
        return sealer.Seal(SealPurpose::kApiSecret,
                           ApiSecretRowId(integrator_id, record.key_id),
                           version, secret->key);
      });
  if (!s.ok()) return Fail(s.message());
  std::cerr << "integrator-admin: created signing key " << record.key_id
            << "; the API secret is shown only now\n";
  std::cout << record.key_id << "\n" << secret->key << "\n";
  crypto::Wipe(secret->key);
  return 0;
}

int CreateKey(Store& store) {
  const std::string integrator_id = absl::GetFlag(FLAGS_integrator);
  const std::string service_name = absl::GetFlag(FLAGS_service);
  if (integrator_id.empty() == service_name.empty()) {
    return Fail("create-key needs exactly one of --integrator and --service",
                2);
  }
  if (!service_name.empty() && !service::IsValidIntegratorId(service_name)) {
    return Fail("--service must be 1 to 64 letters, digits, '_' or '-'", 2);
  }
  std::vector<std::string> scopes =
      absl::StrSplit(absl::GetFlag(FLAGS_scopes), ',', absl::SkipEmpty());
  const bool signing = absl::GetFlag(FLAGS_signing);
  if (signing && integrator_id.empty()) {
    return Fail("--signing keys belong to an integrator: give --integrator", 2);
  }
  if (signing && scopes.empty()) {
    for (absl::string_view scope : auth::kDefaultSigningScopes) {
      scopes.emplace_back(scope);
    }
  }
  if (scopes.empty()) return Fail("create-key needs --scopes", 2);
  for (const std::string& scope : scopes) {
    if (!auth::IsKnownScope(scope)) {
      return Fail(absl::StrCat("unknown scope '", scope, "'; known: ",
                               absl::StrJoin(auth::kAllScopes, ", ")),
                  2);
    }
  }
  if (!integrator_id.empty()) {
    absl::StatusOr<Integrator> found = store.FindIntegrator(integrator_id);
    if (!found.ok()) {
      return Fail(absl::StrCat("integrator ", integrator_id, ": ",
                               found.status().message()));
    }
  }
  if (signing) return CreateSigningKey(store, integrator_id, scopes);
  absl::StatusOr<auth::NewApiKey> key = auth::MintApiKey();
  if (!key.ok()) return Fail(key.status().message());
  if (absl::Status s = store.CreateApiKey(
          auth::ApiKeyRecordFor(*key, integrator_id, service_name, scopes));
      !s.ok()) {
    return Fail(s.message());
  }
  std::cerr << "integrator-admin: created " << key->key_id << " ("
            << key->display_prefix << "…); the key is shown only now\n";
  std::cout << key->key << "\n";
  crypto::Wipe(key->key);
  return 0;
}

int RevokeKey(Store& store, absl::string_view id_or_prefix) {
  if (absl::StartsWith(id_or_prefix, "int_")) {
    if (absl::Status s = store.RevokeSigningKey(id_or_prefix); !s.ok()) {
      return Fail(s.message());
    }
    std::cout << "revoked " << id_or_prefix << "\n";
    return 0;
  }
  absl::StatusOr<ApiKeyRecord> revoked = store.RevokeApiKey(id_or_prefix);
  if (!revoked.ok()) return Fail(revoked.status().message());
  std::cout << "revoked " << revoked->key_id << "\n";
  return 0;
}

int ListIntegrators(Store& store) {
  absl::StatusOr<std::vector<Integrator>> all = store.ListIntegrators();
  if (!all.ok()) return Fail(all.status().message());
  for (const Integrator& integrator : *all) {
    std::cout << integrator.id << "\t" << integrator.name << "\n";
  }
  return 0;
}

int SignWebhook(Store& store) {
  const std::string integrator_id = absl::GetFlag(FLAGS_integrator);
  const std::string body_file = absl::GetFlag(FLAGS_body_file);
  if (integrator_id.empty() || body_file.empty()) {
    return Fail("sign-webhook needs --integrator and --body_file", 2);
  }
  std::ifstream in(body_file, std::ios::binary);
  if (!in) return Fail(absl::StrCat("cannot read ", body_file));
  std::string body(std::istreambuf_iterator<char>(in), {});
  if (static_cast<std::streamsize>(body.size()) > kMaxBodyFileBytes) {
    return Fail("the body file is larger than 16 MiB", 2);
  }
  absl::StatusOr<Integrator> found = store.FindIntegrator(integrator_id);
  if (!found.ok()) {
    return Fail(absl::StrCat("integrator ", integrator_id, ": ",
                             found.status().message()));
  }
  absl::StatusOr<SealedSecret> sealed = store.GetWebhookSecret(integrator_id);
  if (absl::IsNotFound(sealed.status())) {
    return Fail(absl::StrCat("no webhook secret is set for ", integrator_id,
                             ": its webhooks carry no Signature header"),
                3);
  }
  if (!sealed.ok()) return Fail(sealed.status().message());
  absl::StatusOr<MasterKeyring> ring = cmd::OpenKeyring(store, KeyringFlags());
  if (!ring.ok()) return Fail(ring.status().message());
  const SecretSealer sealer(*std::move(ring));
  absl::StatusOr<std::string> secret =
      sealer.Open(SealPurpose::kWebhookSecret, integrator_id, *sealed);
  if (!secret.ok()) {
    return Fail(absl::StrCat("cannot open the webhook secret: ",
                             secret.status().message()));
  }
  std::cout << webhook::WebhookSignature(*secret, body) << "\n";
  crypto::Wipe(*secret);
  return 0;
}

// Publishes an event as WebhookEventService.PublishEvent does, straight
// into the store's outbox; running servers find it at their next poll.
int PublishEvent(Store& store) {
  const std::string integrator_id = absl::GetFlag(FLAGS_integrator);
  const std::string type = absl::GetFlag(FLAGS_type);
  const std::string data_file = absl::GetFlag(FLAGS_data_file);
  if (integrator_id.empty() || type.empty() || data_file.empty()) {
    return Fail("publish-event needs --integrator, --type and --data_file", 2);
  }
  if (!service::ValidateEventType(type).ok()) {
    return Fail(absl::StrCat("unknown event type; known: ",
                             absl::StrJoin(service::kEventTypes, ", ")),
                2);
  }
  std::ifstream in(data_file, std::ios::binary);
  if (!in) return Fail(absl::StrCat("cannot read ", data_file));
  std::string data(std::istreambuf_iterator<char>(in), {});
  if (absl::Status s = service::ValidateEventData(data); !s.ok()) {
    return Fail(s.message(), 2);
  }
  absl::StatusOr<std::string> id = service::NewResourceId("evt_");
  if (!id.ok()) return Fail(id.status().message());
  const absl::Time now = absl::Now();
  WebhookEvent event{*id, integrator_id, type,
                     service::EventBody(*id, type, now, data),
                     absl::ToUnixMillis(now)};
  absl::Notification done;
  absl::StatusOr<PublishedEvent> created = absl::UnknownError("no answer");
  store.webhooks().PublishEvent(std::move(event), std::nullopt,
                                [&](absl::StatusOr<PublishedEvent> result) {
                                  created = std::move(result);
                                  done.Notify();
                                });
  done.WaitForNotification();
  if (!created.ok()) {
    return Fail(absl::StrCat("integrator ", integrator_id, ": ",
                             created.status().message()));
  }
  std::cout << *id << "\n";
  std::cerr << "deliveries=" << created->deliveries << "\n";
  return 0;
}

int Run(const std::vector<char*>& args) {
  if (args.size() < 2) {
    return Fail("usage: integrator-admin COMMAND [flags]; see --help", 2);
  }
  const std::string command = args[1];
  const size_t extra = args.size() - 2;
  const bool takes_argument = command == "revoke-key";
  if (extra != (takes_argument ? 1u : 0u)) {
    return Fail(absl::StrCat("wrong number of arguments for ", command), 2);
  }
  if (command != "create-integrator" && command != "create-key" &&
      command != "revoke-key" && command != "list-integrators" &&
      command != "sign-webhook" && command != "publish-event" &&
      command != "master-keys" && command != "rotate-master-key" &&
      command != "backup" && command != "restore") {
    return Fail(absl::StrCat("unknown command '", command, "'"), 2);
  }
  // These two work on the store's file, not through a store: a restore's
  // target must not exist, so nothing may open (and create) it first.
  if (command == "backup" || command == "restore") {
    const bool backup = command == "backup";
    const std::string file =
        backup ? absl::GetFlag(FLAGS_to) : absl::GetFlag(FLAGS_from);
    if (file.empty())
      return Fail(backup ? "--to is required" : "--from is required", 2);
    absl::Status done =
        backup ? cmd::BackupStore(absl::GetFlag(FLAGS_store), file, std::cout)
               : cmd::RestoreStore(absl::GetFlag(FLAGS_store), file,
                                   KeyringFlags(), std::cout);
    return done.ok() ? 0 : Fail(done.message());
  }
  absl::StatusOr<std::unique_ptr<Store>> store =
      OpenStore(absl::GetFlag(FLAGS_store), {});
  if (!store.ok()) return Fail(store.status().message());
  if (command == "create-integrator") return CreateIntegrator(**store);
  if (command == "create-key") return CreateKey(**store);
  if (command == "revoke-key") return RevokeKey(**store, args[2]);
  if (command == "list-integrators") return ListIntegrators(**store);
  if (command == "publish-event") return PublishEvent(**store);
  if (command == "rotate-master-key") {
    const int batch = absl::GetFlag(FLAGS_batch_size);
    if (batch < 1 || batch > 5000)
      return Fail("--batch_size must be 1 to 5000", 2);
    absl::Status rotated =
        cmd::RotateMasterKey(**store, KeyringFlags(),
                             {.new_key_file = absl::GetFlag(FLAGS_new_key_file),
                              .batch_size = static_cast<size_t>(batch),
                              .verify = absl::GetFlag(FLAGS_verify)},
                             std::cout, isatty(STDOUT_FILENO) == 1);
    if (absl::IsCancelled(rotated)) return 130;
    return rotated.ok() ? 0 : Fail(rotated.message());
  }
  if (command == "master-keys") {
    absl::Status listed =
        cmd::ListMasterKeys(**store, KeyringFlags(), std::cout);
    return listed.ok() ? 0 : Fail(listed.message());
  }
  return SignWebhook(**store);
}

}  // namespace
}  // namespace integrator

int main(int argc, char** argv) {
  // sign-webhook and create-key hold secrets in memory.
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  integrator::cmd::SetUsage(
      "integrator-admin",
      "integrator-admin [--store=URI] [--master_key_file=F] COMMAND [flags]\n"
      "commands: create-integrator, create-key, revoke-key, list-integrators, "
      "sign-webhook, publish-event, master-keys, rotate-master-key, backup, "
      "restore");
  return integrator::Run(absl::ParseCommandLine(argc, argv));
}
