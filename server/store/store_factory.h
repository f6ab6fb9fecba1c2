// Opens the store named by a `--store` URI.
//
// Contract: accepts `memory:`, `sqlite:PATH` (also written `sqlite://PATH`,
// so `sqlite:///abs/path.db` is an absolute path) and PostgreSQL's own URIs
// (`postgresql://` or `postgres://`, as libpq reads them: several hosts,
// `target_session_attrs`, `connect_timeout`…). Anything else is an
// InvalidArgument that lists the accepted forms. What the store is
// (embedded, durable, in memory) its traits() say: callers never test the
// URI string.
//
// EXAMPLE:
//   absl::StatusOr<std::unique_ptr<Store>> store =
//       OpenStore("sqlite:///var/lib/integrator/integrator.db", {});
#ifndef INTEGRATOR_SERVER_STORE_STORE_FACTORY_H_
#define INTEGRATOR_SERVER_STORE_STORE_FACTORY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/store/store.h"

namespace integrator {

struct StoreOptions {
  absl::Duration simulated_commit_latency = absl::ZeroDuration();
  // PostgreSQL: connections at most, and every statement's bound.
  int connections = 8;
  absl::Duration statement_timeout = absl::Seconds(5);
};

absl::StatusOr<std::unique_ptr<Store>> OpenStore(absl::string_view uri,
                                                 const StoreOptions& options);

// The file of a `sqlite:` URI; InvalidArgument for any other store (the
// operations on a SQLite file, such as backups, need one).
absl::StatusOr<std::string> SqlitePathOf(absl::string_view uri);

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_STORE_FACTORY_H_
