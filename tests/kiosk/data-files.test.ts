import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openDatabase } from '../../kiosk/store/database.ts';
import { KIOSK_ID_FILE, kioskIdFor } from '../../kiosk/upload/kiosk-id.ts';
import { startTestKiosk, tempDir } from '../helpers/kiosk.ts';

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8).padStart(4, '0');

describe('health data on disk is for the kiosk’s own user only', () => {
  const dir = tempDir('gk-modes-');
  let umask: number;
  beforeAll(() => {
    // The most open umask there is: the modes below must not depend on it.
    umask = process.umask(0);
  });
  afterAll(() => {
    process.umask(umask);
    dir.remove();
  });

  it('makes the data folder 0700 and every file in it 0600 on a fresh start', async () => {
    const data = join(dir.path, 'fresh', 'data');
    const kiosk = await startTestKiosk(data);
    try {
      expect(mode(data)).toBe('0700');
      const files = readdirSync(data).sort();
      expect(files).toEqual(
        expect.arrayContaining([
          DATABASE_FILE,
          `${DATABASE_FILE}-shm`,
          `${DATABASE_FILE}-wal`,
          KIOSK_ID_FILE,
        ]),
      );
      for (const f of files) expect(`${f} ${mode(join(data, f))}`).toBe(`${f} 0600`);
    } finally {
      await kiosk.stop();
    }
  });

  it('tightens a folder and files left open by an earlier version', () => {
    const data = join(dir.path, 'old');
    const db = openDatabase(data);
    db.prepare('SELECT 1').get();
    db.close();
    kioskIdFor(data);
    mkdirSync(data, { recursive: true });
    chmodSync(data, 0o755);
    for (const f of readdirSync(data)) chmodSync(join(data, f), 0o644);
    writeFileSync(join(data, `${DATABASE_FILE}-wal`), '', { mode: 0o644 });

    const again = openDatabase(data);
    kioskIdFor(data);
    try {
      expect(mode(data)).toBe('0700');
      for (const f of readdirSync(data)) expect(`${f} ${mode(join(data, f))}`).toBe(`${f} 0600`);
    } finally {
      again.close();
    }
  });

  it('refuses a data folder anyone may write to', () => {
    const shared = join(dir.path, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    expect(() => openDatabase(shared)).toThrow(
      /writable by everyone \(01777\); give the kiosk a folder of its own/,
    );
    expect(readdirSync(shared)).toEqual([]);
  });
});
