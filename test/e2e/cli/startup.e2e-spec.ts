/**
 * The CLI starts like a small tool (issue 10): `--version`, and `verify` up to
 * the point it begins its work (its arguments judged; here a bad reference,
 * answered with exit 2), within 3× a bare `node -e 0` — measured side by
 * side, interleaved, in this run, as ratios of medians. Both the CPU time of
 * each process (what start-up costs, whatever else the machine is doing) and
 * the wall time are held to the bar, in the environment the tests run in (as
 * a user's shell would start it). Runs the build (`npm run build`, which
 * .ci/run does before the tests): start-up is a property of the compiled CLI.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'bin/notary-gate.js');
const PRELOAD = join(ROOT, 'test/support/cpu-at-exit.js');
const RUNS = 9;

interface Sample {
  cpuMs: number;
  wallMs: number;
}

function sample(args: string[], expectStatus: number): Sample {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['-r', PRELOAD, ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  expect({ args, status: run.status }).toEqual({ args, status: expectStatus });
  return { cpuMs: Number((run.output[3] as string).trim()), wallMs };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

it('--version and verify start within 3× a bare node -e 0', () => {
  expect(existsSync(join(ROOT, 'dist/apps/cli/src/main.js'))).toBe(true); // npm run build first
  const runs = { bare: [] as Sample[], version: [] as Sample[], verify: [] as Sample[] };
  for (let index = 0; index < RUNS; index++) {
    runs.bare.push(sample(['-e', '0'], 0));
    runs.version.push(sample([CLI, '--version'], 0));
    runs.verify.push(sample([CLI, 'verify', 'Not/A/Reference', '--cert', 'ca.pem'], 2));
  }
  const ratios = Object.fromEntries(
    (['version', 'verify'] as const).flatMap((name) =>
      (['cpuMs', 'wallMs'] as const).map((measure) => [`${name} ${measure}`, median(runs[name].map((run) => run[measure])) / median(runs.bare.map((run) => run[measure]))]),
    ),
  );
  console.log('start-up, median ratio to node -e 0:', JSON.stringify(ratios, (_key, value: unknown) => (typeof value === 'number' ? Number(value.toFixed(2)) : value)));
  for (const [name, ratio] of Object.entries(ratios)) expect({ name, withinBar: ratio <= 3 }).toEqual({ name, withinBar: true });
}, 120_000);
