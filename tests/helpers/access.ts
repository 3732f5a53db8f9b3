import type { Express } from 'express';
import type { Role } from '../../kiosk/auth/roles.ts';
import { installAccessControl } from '../../server/auth/access.ts';

/** The CSRF token of the session `actAs` gives every request. */
export const TEST_CSRF = 'test-csrf-token';

/**
 * For a test that mounts a few routes on a bare app: every request comes from one logged-in user
 * of `role` (writes still need `x-csrf-token: TEST_CSRF`); `/metrics` answers.
 */
export function actAs(app: Express, role: Role, name = `test-${role}`): void {
  installAccessControl(app, {
    principal: () => ({
      kind: 'user',
      token: 'test-session',
      session: { user: { id: 1, name, role }, csrfToken: TEST_CSRF, lastSeenAt: Date.now() },
    }),
    metricsAllowed: () => true,
  });
}
