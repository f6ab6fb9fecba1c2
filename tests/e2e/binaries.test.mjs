// The binaries explain themselves: --help lists every flag each defines,
// with repository paths, never the build machine's; --version prints the
// program and its version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { binDir, repoRoot } from './lib/harness.mjs';

const run = (binary, args) => {
  try {
    return execFileSync(path.join(binDir, binary), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
};

const expected = {
  'integrator-server': ['--grpc_address', '--http_address', '--store', '--master_key_file', '--webhook_timeout',
    '--webhook_retry_schedule', '--delivery_retention', '--previous_secret_ttl_cap', '--max_body_bytes',
    '--admin_address', '--log_format'],
  'integrator-gateway': ['--upstream', '--http_address', '--descriptor_set', '--max_body_bytes',
    '--admin_address', '--log_format'],
  'integrator-admin': ['--store', '--master_key_file', '--scopes', '--signing', '--data_file', '--type'],
};

for (const [binary, flags] of Object.entries(expected)) {
  test(`${binary} --help lists its flags without build-machine paths; --version`, () => {
    const help = run(binary, ['--help']);
    assert.ok(!help.includes('No flags matched'), help);
    for (const flag of flags) assert.ok(help.includes(`${flag} (`), `${flag} is missing:\n${help}`);
    assert.ok(!help.includes(repoRoot), `a build path leaks:\n${help}`);
    assert.match(help, /Flags from cmd\//);
    assert.ok(!/Flags from .*absl/.test(help), 'Abseil internals are not listed');
    assert.match(run(binary, ['--version']).trim(), new RegExp(`^${binary} \\d+\\.\\d+\\.\\d+$`));
  });
}
