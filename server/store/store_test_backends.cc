#include "server/store/store_test_backends.h"

#include <unistd.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "server/store/memory_store.h"
#include "server/store/postgres_store.h"
#include "server/store/sqlite_store.h"

namespace integrator {
namespace {

// A database of its own for each test, on the PostgreSQL server the test
// command started (tests/postgres-server; its superuser URI in
// INTEGRATOR_TEST_POSTGRES_URI), named after the test's folder.
std::unique_ptr<Store> OpenPostgres(const std::string& admin_uri,
                                    const std::string& dir) {
  const std::string database = absl::StrCat(
      "t", std::hash<std::string>()(dir) % 1000000007, "_", getpid());
  absl::StatusOr<PgConnection> admin = PgConnection::Open(admin_uri);
  if (!admin.ok()) {
    ADD_FAILURE() << admin.status();
    return nullptr;
  }
  if (absl::Status s =
          admin->Run(absl::StrCat("DROP DATABASE IF EXISTS ", database));
      !s.ok()) {
    ADD_FAILURE() << s;
    return nullptr;
  }
  if (absl::Status s = admin->Run(absl::StrCat("CREATE DATABASE ", database));
      !s.ok()) {
    ADD_FAILURE() << s;
    return nullptr;
  }
  const std::string uri =
      absl::StrCat(admin_uri.substr(0, admin_uri.rfind('/') + 1), database);
  absl::StatusOr<std::unique_ptr<PostgresStore>> store =
      PostgresStore::Open(uri, {.size = 4});
  if (!store.ok()) {
    ADD_FAILURE() << store.status();
    return nullptr;
  }
  return std::move(*store);
}

}  // namespace

std::vector<StoreFactory> AllStores() {
  std::vector<StoreFactory> stores = {
      {"memory",
       [](const std::string&) -> std::unique_ptr<Store> {
         return std::make_unique<MemoryStore>();
       }},
      {"sqlite", [](const std::string& dir) -> std::unique_ptr<Store> {
         auto store = SqliteStore::Open(dir + "/t.db", {});
         if (!store.ok()) return nullptr;
         return std::move(*store);
       }}};
  const char* postgres = std::getenv("INTEGRATOR_TEST_POSTGRES_URI");
  if (postgres != nullptr && *postgres != '\0') {
    stores.push_back(
        {"postgresql", [admin = std::string(postgres)](const std::string& dir) {
           return OpenPostgres(admin, dir);
         }});
  }
  return stores;
}

}  // namespace integrator
