import type { KioskConfig } from '../kiosk/config/schema.ts';
import { HealthLookup } from '../kiosk/health/lookup.ts';
import { RevocationList } from '../kiosk/health/revocations.ts';
import { PassVerifier } from '../kiosk/health/signed-pass.ts';
import { StatusFeed } from '../kiosk/health/status-feed.ts';
import type { PersonDirectory } from '../kiosk/identities/directory.ts';
import { createHealthResolver, type HealthResolver } from '../kiosk/screening/health-resolver.ts';
import { createIdentityReader, type IdentityReader } from '../kiosk/screening/identity-reader.ts';
import type { Db } from '../kiosk/store/database.ts';
import { applyStatusUpdates } from '../kiosk/store/status-updates.ts';
import type { Logger } from './logger.ts';

export interface HealthSources {
  identities: IdentityReader;
  health: HealthResolver;
  start(): void;
  stop(): void;
  status(): Record<string, unknown>;
}

/**
 * The config's `healthCodes`: trusted pass keys with their revocation list, the online lookup, and
 * the district's status feed, whose updates go into the roster (and the in-memory directory).
 */
export function buildHealthSources(
  config: KioskConfig,
  db: Db,
  directory: PersonDirectory,
  refreshDirectory: () => void,
  log: Logger,
): HealthSources {
  const hc = config.healthCodes;
  const refreshMs = hc.refreshMin * 60_000;
  const revocations = new RevocationList({
    revoked: hc.revoked,
    ...(hc.revocationUrl ? { url: hc.revocationUrl } : {}),
    refreshMs,
  });
  const passes =
    hc.trustedKeys.length > 0
      ? new PassVerifier({
          trustedKeys: hc.trustedKeys.map((k) => ({
            kid: k.kid,
            jwk: { kty: 'OKP', crv: 'Ed25519', x: k.jwk.x },
          })),
          isRevoked: (jti) => revocations.has(jti),
          clockSkewS: hc.clockSkewS,
        })
      : null;
  const lookup = hc.lookup
    ? new HealthLookup({
        url: hc.lookup.url,
        timeoutMs: hc.lookup.timeoutMs,
        cacheForMs: config.rules.healthStatusMaxAgeH * 3_600_000,
      })
    : null;
  const feedLog = log.child({ part: 'status-feed' });
  const feed =
    hc.statusUrl || hc.statusDir
      ? new StatusFeed({
          timeZone: config.school.timezone,
          ...(hc.statusUrl ? { url: hc.statusUrl, pollMs: refreshMs } : {}),
          ...(hc.statusDir ? { dropDir: hc.statusDir } : {}),
          onUpdates: (updates, source) => {
            const result = applyStatusUpdates(db, updates);
            refreshDirectory();
            feedLog.info(
              { zh: '健康码状态已更新', source, received: updates.length, ...result },
              'health-code statuses applied',
            );
          },
        })
      : null;
  return {
    identities: createIdentityReader(directory, passes),
    health: createHealthResolver(lookup),
    start() {
      if (hc.revocationUrl) revocations.start();
      feed?.start();
    },
    stop() {
      revocations.stop();
      feed?.stop();
    },
    status: () => ({
      passes: passes !== null,
      revocations: revocations.status(),
      ...(lookup ? { lookup: lookup.status() } : {}),
      ...(feed ? { feed: feed.status() } : {}),
    }),
  };
}
