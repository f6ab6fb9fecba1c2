#include "server/process/readiness_monitor.h"

#include <utility>

namespace integrator {

ReadinessMonitor::ReadinessMonitor(Probe probe, OnChange on_change,
                                   absl::Duration interval)
    : probe_(std::move(probe)),
      on_change_(std::move(on_change)),
      interval_(interval) {
  {
    absl::MutexLock lock(&report_mu_);
    ProbeAndReport();
  }
  thread_ = std::thread([this] { Run(); });
}

ReadinessMonitor::~ReadinessMonitor() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    wake_.Signal();
  }
  thread_.join();
}

void ReadinessMonitor::SetDraining() {
  absl::MutexLock report_lock(&report_mu_);
  {
    absl::MutexLock lock(&mu_);
    if (draining_) return;
    draining_ = true;
    wake_.Signal();
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
      wake_.WaitWithTimeout(&mu_, interval_);
      if (stopping_ || draining_) return;
    }
    absl::MutexLock report_lock(&report_mu_);
    ProbeAndReport();
  }
}

void ReadinessMonitor::ProbeAndReport() {
  {
    absl::MutexLock lock(&mu_);
    if (draining_) return;
  }
  Report(probe_().ok());
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
