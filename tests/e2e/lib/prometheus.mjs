// Reads /metrics with a real Prometheus parser: Debian's
// python3-prometheus-client (text_string_to_metric_families), run by the
// system Python that the package installs into. Returns the samples as
// [{name, labels, value}], so a malformed exposition fails the test here.
import { execFileSync } from 'node:child_process';

const parser = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        out.append({"name": s.name, "type": family.type, "labels": s.labels, "value": s.value})
print(json.dumps(out))
`;

export async function scrape(adminUrl) {
  const res = await fetch(`${adminUrl}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  const contentType = res.headers.get('content-type');
  const text = await res.text();
  const samples = JSON.parse(execFileSync('/usr/bin/python3', ['-c', parser], { input: text, encoding: 'utf8' }));
  return { contentType, text, samples };
}

// The value of the one sample with this name whose labels include `labels`
// (0 when there is none).
export function sampleValue(samples, name, labels = {}) {
  const found = samples.filter((s) => s.name === name &&
    Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found.length === 0 ? 0 : found[0].value;
}
