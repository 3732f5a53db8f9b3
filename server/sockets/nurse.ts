import type { Namespace, Server } from 'socket.io';
import type { SchoolClock } from '../../contract/display-events.ts';
import type { NurseClientEvents, NurseServerEvents } from '../../contract/nurse-events.ts';
import type { CaseDesk } from '../../kiosk/cases/case-desk.ts';
import type { AuditLog } from '../../kiosk/store/audit-log.ts';
import type { CaseRecord } from '../../kiosk/store/cases.ts';
import { actorName, type PrincipalSources } from '../auth/principal.ts';
import { guardNamespace, socketPrincipal } from '../auth/socket-guard.ts';

/**
 * Namespace `/nurse` (nurses and admins): `server:info` on connect (school, time zone, check, clock),
 * `case:new` when a case opens, `case:update` on every re-check and disposition, each carrying the
 * console's full view. Every delivery is a read of health data, so each is in the audit log under
 * the account that received it.
 */
export function attachNurseNamespace(
  io: Server,
  cases: CaseDesk,
  sources: PrincipalSources,
  audit: AuditLog,
  info?: () => SchoolClock,
): { namespace: Namespace<NurseClientEvents, NurseServerEvents>; stop(): void } {
  const ns: Namespace<NurseClientEvents, NurseServerEvents> = io.of('/nurse');
  const guard = guardNamespace(ns, sources, 'cases:read', { displayTokens: false });
  if (info) ns.on('connection', (socket) => socket.emit('server:info', info()));
  const send = (event: 'case:new' | 'case:update', record: CaseRecord) => {
    if (ns.sockets.size === 0) return;
    const view = cases.view(record);
    for (const socket of ns.sockets.values()) {
      if (!guard.stillAllowed(socket)) continue;
      socket.emit(event, view);
      audit.append(
        actorName(socketPrincipal(socket)),
        'read_case',
        { caseId: view.id, via: event },
        view.personId,
      );
    }
  };
  const onOpened = (record: CaseRecord) => send('case:new', record);
  const onUpdated = (record: CaseRecord) => send('case:update', record);
  cases.on('opened', onOpened);
  cases.on('updated', onUpdated);
  const stop = () => {
    cases.off('opened', onOpened);
    cases.off('updated', onUpdated);
    guard.stop();
  };
  io.on('close', stop);
  return { namespace: ns, stop };
}
