// The backends the store contract suites run on: memory, SQLite in a
// folder of the test's own, and PostgreSQL when the test command started a
// server (its superuser URI in INTEGRATOR_TEST_POSTGRES_URI), each test on
// a database of its own.
//
// EXAMPLE:
//   INSTANTIATE_TEST_SUITE_P(AllStores, MyContractTest,
//                            ::testing::ValuesIn(AllStores()), StoreName);
#ifndef INTEGRATOR_SERVER_STORE_STORE_TEST_BACKENDS_H_
#define INTEGRATOR_SERVER_STORE_STORE_TEST_BACKENDS_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/store/store.h"

namespace integrator {

struct StoreFactory {
  std::string name;
  std::function<std::unique_ptr<Store>(const std::string& dir)> open;
};

std::vector<StoreFactory> AllStores();

inline std::string StoreName(
    const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_STORE_STORE_TEST_BACKENDS_H_
