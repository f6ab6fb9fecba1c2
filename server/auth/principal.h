// Who is calling: the result of authentication, handed to handlers.
//
// Contract: exactly one of `integrator_id` (an integrator's own credential)
// and `service_name` (an internal caller) is set. Scopes are those granted
// to the credential; handlers ask HasScope rather than reading the list.
//
// EXAMPLE:
//   if (principal.HasScope(kScopeAdminIntegrators)) { ... }
#ifndef INTEGRATOR_SERVER_AUTH_PRINCIPAL_H_
#define INTEGRATOR_SERVER_AUTH_PRINCIPAL_H_

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "server/store/store.h"

namespace integrator::auth {

struct Principal {
  std::string key_id;
  std::string integrator_id;
  std::string service_name;
  std::vector<std::string> scopes;
  // Set for signed requests: the handler must spend it in the store with the
  // call's write (or on its own), and refuse the call if it was spent before.
  std::optional<SignatureUse> signature_use;

  bool HasScope(absl::string_view scope) const {
    return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
  }
};

}  // namespace integrator::auth

#endif  // INTEGRATOR_SERVER_AUTH_PRINCIPAL_H_
