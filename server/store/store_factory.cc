#include "server/store/store_factory.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/store/memory_store.h"
#include "server/store/postgres_store.h"
#include "server/store/sqlite_store.h"

namespace integrator {

absl::StatusOr<std::string> SqlitePathOf(absl::string_view uri) {
  absl::string_view path = uri;
  if (!absl::ConsumePrefix(&path, "sqlite:")) {
    return absl::InvalidArgumentError("this needs a --store=sqlite:PATH");
  }
  absl::ConsumePrefix(&path, "//");
  if (path.empty() || path.size() > 4096) {
    return absl::InvalidArgumentError("--store=sqlite: needs a file path");
  }
  return std::string(path);
}

absl::StatusOr<std::unique_ptr<Store>> OpenStore(absl::string_view uri,
                                                 const StoreOptions& options) {
  if (uri == "memory:") return std::make_unique<MemoryStore>();
  if (absl::StartsWith(uri, "sqlite:")) {
    absl::StatusOr<std::string> path = SqlitePathOf(uri);
    if (!path.ok()) return path.status();
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(
        *path, {.simulated_commit_latency = options.simulated_commit_latency});
    if (!store.ok()) return store.status();
    return std::unique_ptr<Store>(std::move(*store));
  }
  if (absl::StartsWith(uri, "postgresql://") ||
      absl::StartsWith(uri, "postgres://")) {
    if (options.connections < 1 || options.connections > 256 ||
        options.statement_timeout <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError(
          "PostgreSQL needs 1 to 256 connections and a positive statement "
          "timeout");
    }
    absl::StatusOr<std::unique_ptr<PostgresStore>> store = PostgresStore::Open(
        std::string(uri), {.size = options.connections,
                           .statement_timeout = options.statement_timeout});
    if (!store.ok()) return store.status();
    return std::unique_ptr<Store>(std::move(*store));
  }
  return absl::InvalidArgumentError(
      "--store must be memory:, sqlite:PATH (for example "
      "sqlite:///var/lib/integrator/integrator.db) or a PostgreSQL URI "
      "(postgresql://user@host:port/db, several hosts allowed)");
}

}  // namespace integrator
