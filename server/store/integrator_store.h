// The integrators aggregate of the store: who the API's customers are.
//
// Contract: thread-safe; CreateIntegrator is durable when it returns OK
// (as every write of the backend); FindIntegrator of an unknown id is
// NotFound; ListIntegrators orders by creation time, then id.
//
// EXAMPLE:
//   IntegratorStore& integrators = *store;
//   absl::StatusOr<Integrator> found = integrators.FindIntegrator("itg_1");
#ifndef INTEGRATOR_SERVER_STORE_INTEGRATOR_STORE_H_
#define INTEGRATOR_SERVER_STORE_INTEGRATOR_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace integrator {

struct Integrator {
  std::string id;
  std::string name;
  int64_t created_at_ms = 0;
};

class IntegratorStore {
 public:
  virtual ~IntegratorStore() = default;

  virtual absl::Status CreateIntegrator(const Integrator& integrator) = 0;
  virtual absl::StatusOr<Integrator> FindIntegrator(absl::string_view id) = 0;
  virtual absl::StatusOr<std::vector<Integrator>> ListIntegrators() = 0;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_INTEGRATOR_STORE_H_
