import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, waitUntil } from '../helpers/kiosk.ts';

describe('the gate screen launcher (scripts/gate-display.sh)', () => {
  const dir = tempDir('gk-display-');
  afterAll(() => dir.remove());

  it('opens the paired URL full-screen with the kiosk flags, and opens it again whenever the browser exits', async () => {
    const home = join(dir.path, 'home');
    mkdirSync(join(home, '.config', 'gate-kiosk'), { recursive: true });
    const url = 'http://127.0.0.1:8080/display?token=abc123';
    writeFileSync(join(home, '.config', 'gate-kiosk', 'display-url'), `${url}\n`);
    // A browser that writes down how it was started and exits at once, as a crashed one would.
    const calls = join(dir.path, 'calls.txt');
    const browser = join(dir.path, 'fake-chromium');
    writeFileSync(browser, `#!/bin/sh\necho "$*" >> '${calls}'\nexit 3\n`);
    chmodSync(browser, 0o755);
    const launcher = spawn(resolve('scripts/gate-display.sh'), [], {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        GATE_DISPLAY_BROWSER: browser,
        GATE_DISPLAY_RESTART_S: '0.2',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    launcher.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    try {
      const lines = () => readFileSync(calls, 'utf8').trim().split('\n');
      await waitUntil(
        () => {
          try {
            return lines().length >= 3;
          } catch {
            return false;
          }
        },
        10_000,
        'three browser starts',
      );
      for (const line of lines()) {
        for (const flag of [
          '--kiosk',
          '--autoplay-policy=no-user-gesture-required',
          '--noerrdialogs',
          '--disable-session-crashed-bubble',
        ])
          expect(line).toContain(flag);
        expect(line).toContain(`--user-data-dir=${join(home, '.config', 'gate-kiosk', 'chromium')}`);
        expect(line.endsWith(url)).toBe(true);
      }
      expect(stderr).toContain('Chromium exited (3); starting it again');
    } finally {
      launcher.kill('SIGTERM');
    }
  });
});
