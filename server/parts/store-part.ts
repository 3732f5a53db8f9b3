import type { KioskConfig } from '../../kiosk/config/schema.ts';
import { gateLinkOf, uploadTargetOf } from '../../kiosk/desk/gate-link.ts';
import { PersonDirectory } from '../../kiosk/identities/directory.ts';
import { rosterLimitsOf } from '../../kiosk/identities/roster-limits.ts';
import { syncRosterFile } from '../../kiosk/identities/roster-sync.ts';
import { AuditLog } from '../../kiosk/store/audit-log.ts';
import { SessionStore } from '../../kiosk/store/auth-sessions.ts';
import { type Db, openDatabase } from '../../kiosk/store/database.ts';
import { readDatabaseKey } from '../../kiosk/store/database-key.ts';
import { DisplayTokenStore } from '../../kiosk/store/display-tokens.ts';
import { PeopleStore } from '../../kiosk/store/people.ts';
import { screeningsWithCases } from '../../kiosk/store/screening-commits.ts';
import { StorageHealth } from '../../kiosk/store/storage-health.ts';
import { UserStore } from '../../kiosk/store/users.ts';
import { WriterThread } from '../../kiosk/store/writer-thread.ts';
import { kioskIdFor } from '../../kiosk/upload/kiosk-id.ts';
import { Outbox } from '../../kiosk/upload/outbox.ts';
import { logUploads } from '../../kiosk/upload/upload-log.ts';
import { Uploader } from '../../kiosk/upload/uploader.ts';
import { ensureDemoAccounts } from '../demo-accounts.ts';
import type { Logger } from '../logger.ts';
import type { Part } from './part.ts';
import { storeUpkeep } from './store-upkeep.ts';

export interface StoreOptions {
  /** Commit screenings on this thread's connection instead of the writer thread (tests). */
  commitOnThisThread?: boolean;
  now: () => number;
  /** `simulation.freshenRosterStatuses`: statuses are made an hour older than this (default: now). */
  statusesBefore?: number;
}

/**
 * Store and upload: the SQLite file, the roster read into the in-memory directory, the stores, the
 * writer thread the lanes commit on, the storage health and the uploader; once started, the daily
 * retention purge and backups. Stopped last, so its database outlives every part that writes to it.
 */
export async function buildStorePart(config: KioskConfig, opts: StoreOptions, log: Logger) {
  const databaseKey = readDatabaseKey(config.encryption);
  const db: Db = openDatabase(config.dataDir, databaseKey);
  const people = new PeopleStore(db);
  const audit = new AuditLog(db);
  if (config.roster) {
    const result = await syncRosterFile(people, config.roster, config.school.timezone, {
      audit,
      limits: rosterLimitsOf(config.rosterLimits),
    });
    if (result !== 'unchanged')
      log.info({ zh: '名单已导入', file: config.roster, ...result }, 'roster imported');
  }
  if (config.simulation.freshenRosterStatuses)
    people.shiftStatusTimes(new Date((opts.statusesBefore ?? opts.now()) - 3_600_000));
  const directory = new PersonDirectory(people.current());
  const { screenings, cases } = screeningsWithCases(db);
  const users = new UserStore(db);
  // The demo's account hashes (scrypt, off the main thread) are made while the writer thread starts.
  const demoAccounts = config.simulation.demoAccounts ? ensureDemoAccounts(users) : Promise.resolve([]);
  demoAccounts.catch(() => {});
  // The lanes' commits (and their fsyncs) happen on a thread of their own, never on the one that reads the ports.
  const writer = opts.commitOnThisThread ? null : new WriterThread(config.dataDir, databaseKey);
  const storage = new StorageHealth();
  storage.on('fault', (fault) => {
    log
      .child({ part: 'storage' })
      .error({ zh: fault.message.zh, storage: fault.code, detail: fault.detail }, fault.message.en);
  });
  // A gate's records go to its desk, anyone else's to the district.
  const gateLink = gateLinkOf(config);
  const kioskId = kioskIdFor(config.dataDir);
  const uploader = new Uploader({
    outbox: new Outbox(db, config.school.timezone),
    ...uploadTargetOf(config, gateLink),
    schoolId: config.school.id,
    kioskId,
    storage,
  });
  logUploads(uploader, log.child({ part: 'upload' }), { demo: config.simulation.demoAccounts });
  const upkeep = storeUpkeep(config, { db, key: databaseKey, audit, now: opts.now }, log);
  const part: Part = {
    name: 'store and upload',
    start() {
      uploader.start();
      upkeep.start();
    },
    async stop() {
      await uploader.stop();
      await upkeep.stop();
      await writer?.close();
      db.close();
    },
  };
  if (writer) {
    await writer.ready;
    screenings.useWriter(writer);
  }
  return {
    part,
    db,
    people,
    directory,
    screenings,
    cases,
    audit,
    storage,
    uploader,
    /** Set on a gate of a school: its desk. */
    gateLink,
    kioskId,
    users,
    /** Demo configs only: the accounts made for this start, with their passwords. */
    demoAccounts,
    sessions: new SessionStore(db, config.server.sessionIdleMin * 60_000),
    displayTokens: new DisplayTokenStore(db),
    /** Re-reads the roster into the in-memory directory after a change made straight in the store. */
    refreshPeople: () => directory.replace(people.current()),
  };
}

export type StorePart = Awaited<ReturnType<typeof buildStorePart>>;
