import { randomBytes } from 'node:crypto';
import { roles } from '../kiosk/auth/roles.ts';
import type { DisplayTokenStore } from '../kiosk/store/display-tokens.ts';
import type { UserStore } from '../kiosk/store/users.ts';

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

/** A fresh display token for every lane; the previous start's demo token is revoked. */
export function demoDisplay(displays: DisplayTokenStore, lanes: string[]): string {
  for (const d of displays.list()) if (d.name === DEMO_DISPLAY && !d.revokedAt) displays.revoke(d.id);
  return displays.add(DEMO_DISPLAY, lanes).token;
}
