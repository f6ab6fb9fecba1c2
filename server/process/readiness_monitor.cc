#include "server/process/readiness_monitor.h"

#include <utility>

namespace integrator {

ReadinessMonitor::ReadinessMonitor(Probe probe, OnChange on_change,
                                   absl::Duration interval)
    : probe_(std::move(probe)),
      on_change_(std::move(on_change)),
      interval_(interval) {
  ReportProbe(probe_().ok());
  thread_ = std::thread([this] { Run(); });
}

ReadinessMonitor::~ReadinessMonitor() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void ReadinessMonitor::SetDraining() {
  absl::MutexLock report_lock(&report_mu_);
  {
    absl::MutexLock lock(&mu_);
    if (draining_) return;
    draining_ = true;
  }
  Report(false);
}

bool ReadinessMonitor::ready() const {
  absl::MutexLock lock(&mu_);
  return ready_;
}

void ReadinessMonitor::Run() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      auto done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stopping_ || draining_;
      };
      mu_.AwaitWithTimeout(absl::Condition(&done), interval_);
      if (done()) return;
    }
    // Probed without any lock: a slow store never holds up SetDraining().
    ReportProbe(probe_().ok());
  }
}

void ReadinessMonitor::ReportProbe(bool reachable) {
  absl::MutexLock report_lock(&report_mu_);
  {
    absl::MutexLock lock(&mu_);
    if (draining_) return;  // a drain that began during the probe wins
  }
  Report(reachable);
}

void ReadinessMonitor::Report(bool ready) {
  {
    absl::MutexLock lock(&mu_);
    if (reported_ && ready_ == ready) return;
    reported_ = true;
    ready_ = ready;
  }
  on_change_(ready);
}

}  // namespace integrator
