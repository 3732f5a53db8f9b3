// Before `npm test`: the tests need Debian's chromium (browser tests) and socat (real serial ports
// over a pty pair). Installs them when running as root; otherwise names the one command to run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const wanted = [
  { pkg: 'chromium', present: () => existsSync('/usr/bin/chromium') },
  // Chinese text in the browser tests' screenshots; a display PC needs a CJK font too.
  {
    pkg: 'fonts-noto-cjk',
    present: () => existsSync('/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'),
  },
  {
    pkg: 'socat',
    present: () => spawnSync('sh', ['-c', 'command -v socat'], { stdio: 'ignore' }).status === 0,
  },
];
const missing = wanted.filter((w) => !w.present()).map((w) => w.pkg);
if (missing.length > 0) {
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    console.error(
      `npm test needs Debian packages that are missing: ${missing.join(', ')}.\nRun:  sudo sh -c '${command}'`,
    );
    process.exit(1);
  }
  console.log(`installing ${missing.join(', ')} ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
}
