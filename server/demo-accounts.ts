import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { roles } from '../kiosk/auth/roles.ts';
import type { DisplayTokenStore } from '../kiosk/store/display-tokens.ts';
import { tightenFile } from '../kiosk/store/private-files.ts';
import type { UserStore } from '../kiosk/store/users.ts';
import { keepFile, readKeptFile } from './kept-file.ts';

export interface DemoAccount {
  name: string;
  role: string;
  password: string;
}

/**
 * The demo's accounts, one per role, with passwords made afresh at every start (no default password
 * exists anywhere); the start prints them.
 */
export async function ensureDemoAccounts(users: UserStore): Promise<DemoAccount[]> {
  // The hashes are made side by side (scrypt runs off the main thread): a demo start waits for one.
  return Promise.all(
    roles.map(async (role) => {
      const name = `demo-${role}`;
      const password = randomBytes(12).toString('base64url');
      if (users.byName(name)) await users.setPassword(name, password);
      else await users.add(name, role, password);
      return { name, role, password };
    }),
  );
}

const DEMO_DISPLAY = 'demo display';
/** The demo display's token, beside the database (0600): the printed link lives as long as the data folder. */
export const DEMO_DISPLAY_FILE = 'demo-display-token';

/**
 * The demo's display token for every lane. The token of the previous start is kept while it still
 * pairs a display of exactly these lanes, so the link printed at the first start keeps working after a
 * restart; otherwise the old demo display is revoked and a new token is made and kept.
 */
export function demoDisplay(displays: DisplayTokenStore, lanes: string[], dataDir: string): string {
  const file = join(dataDir, DEMO_DISPLAY_FILE);
  const kept = readKeptFile(file);
  const paired = kept ? displays.verify(kept) : null;
  if (kept && paired?.name === DEMO_DISPLAY && sameLanes(paired.lanes, lanes)) {
    tightenFile(file);
    return kept;
  }
  for (const d of displays.list()) if (d.name === DEMO_DISPLAY && !d.revokedAt) displays.revoke(d.id);
  const { token } = displays.add(DEMO_DISPLAY, lanes);
  keepFile(file, token);
  return token;
}

const sameLanes = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, i) => id === b[i]);
