// Whether the server is ready to serve, as health probes ask: its store
// answers and it is not draining (DESIGN.md, "Operations": gRPC health
// mirrors /readyz). A thread probes the store every `interval` and reports
// each change of readiness, so a load balancer stops sending calls while the
// store is down and sends them again once it is back.
//
// Contract: `on_change(ready)` runs once with the first probe's answer, in
// the constructor, then on every change, never twice with the same value
// and never concurrently with itself. SetDraining() reports not ready at
// once (if it was ready) and for good, without waiting for a probe under
// way; probing stops. The destructor stops the thread (after a probe under
// way returns); `probe` and `on_change` are not called after it returns.
// Thread-safe.
//
// EXAMPLE:
//   ReadinessMonitor readiness(
//       [&store] { return store.CheckReachable(); },
//       [&health](bool ready) { health->SetServingStatus(ready); },
//       absl::Seconds(1));
//   ...
//   readiness.SetDraining();  // first step of a shutdown
#ifndef INTEGRATOR_SERVER_PROCESS_READINESS_MONITOR_H_
#define INTEGRATOR_SERVER_PROCESS_READINESS_MONITOR_H_

#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace integrator {

class ReadinessMonitor {
 public:
  using Probe = absl::AnyInvocable<absl::Status()>;
  using OnChange = absl::AnyInvocable<void(bool ready)>;

  ReadinessMonitor(Probe probe, OnChange on_change, absl::Duration interval);
  ~ReadinessMonitor();
  ReadinessMonitor(const ReadinessMonitor&) = delete;
  ReadinessMonitor& operator=(const ReadinessMonitor&) = delete;

  void SetDraining();
  bool ready() const;

 private:
  void Run();
  // Reports a probe's answer unless a drain has begun since.
  void ReportProbe(bool reachable) ABSL_LOCKS_EXCLUDED(report_mu_);
  void Report(bool ready) ABSL_EXCLUSIVE_LOCKS_REQUIRED(report_mu_);

  Probe probe_;
  OnChange on_change_;
  const absl::Duration interval_;
  // Serializes probes and reports, so on_change sees changes in order.
  absl::Mutex report_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  mutable absl::Mutex mu_;
  bool ready_ ABSL_GUARDED_BY(mu_) = false;
  bool reported_ ABSL_GUARDED_BY(mu_) = false;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace integrator

#endif  // INTEGRATOR_SERVER_PROCESS_READINESS_MONITOR_H_
