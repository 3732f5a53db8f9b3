import { cpSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gateKiosk } from '../helpers/cli.ts';
import { tempDir } from '../helpers/kiosk.ts';

const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describe('the gate-kiosk command', () => {
  const dir = tempDir('gk-command-');
  afterAll(() => dir.remove());

  it('answers --version with the package version, without loading the server', async () => {
    const out = await gateKiosk(['--version']);
    expect(out).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    const short = await gateKiosk(['-V']);
    expect(short.stdout).toBe(`${version}\n`);
    console.log(`gate-kiosk --version answered in ${out.ms} ms (process start included)`);
  });

  it('runs the server bundle: built on first run, and again once a source is newer', async () => {
    // A copy of the program with no bundle yet, as a fresh clone before its first run.
    const copy = join(dir.path, 'gate-kiosk');
    for (const part of ['bin', 'scripts', 'server', 'kiosk', 'drivers', 'package.json'])
      cpSync(resolve(part), join(copy, part), { recursive: true });
    symlinkSync(resolve('node_modules'), join(copy, 'node_modules'));
    const bin = join(copy, 'bin', 'gate-kiosk.js');
    const fixture = resolve('fixtures/transcripts/k3-ascii-normal.jsonl');
    const runBin = (...args: string[]) => gateKiosk(args, { bin });
    const first = await runBin('replay', fixture);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/5 events/);
    const bundle = join(copy, 'dist', 'gate-kiosk.js');
    const builtAt = statSync(bundle).mtimeMs;

    await runBin('replay', fixture);
    expect(statSync(bundle).mtimeMs).toBe(builtAt);

    // A changed source: the next run rebuilds, and says what the new source says.
    const cli = join(copy, 'server', 'cli.ts');
    writeFileSync(
      cli,
      readFileSync(cli, 'utf8').replace(
        '"replay a fixture transcript through its model\'s codec and check the expected events"',
        "'replay a recorded transcript (changed)'",
      ),
    );
    const help = await runBin('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('replay a recorded transcript (changed)');
    expect(statSync(bundle).mtimeMs).toBeGreaterThan(builtAt);
    // The command itself is in the server bundle, which the entry loads once the heap is set up.
    expect(readFileSync(join(copy, 'dist', 'gate-kiosk-server.js'), 'utf8')).toContain(
      'replay a recorded transcript (changed)',
    );
  });
});
