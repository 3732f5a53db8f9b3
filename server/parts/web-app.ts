import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';
import { LoginThrottle } from '../../kiosk/auth/login-throttle.ts';
import type { KioskConfig } from '../../kiosk/config/schema.ts';
import { rosterLimitsOf } from '../../kiosk/identities/roster-limits.ts';
import { ReturnCertificateStore } from '../../kiosk/store/return-certificates.ts';
import { accessControl, installAccessControl } from '../auth/access.ts';
import { guardedRouter, routingProblems } from '../auth/guarded-router.ts';
import type { PrincipalSources } from '../auth/principal.ts';
import { PROJECT_ROOT } from '../defaults.ts';
import type { LaneDevice } from '../devices.ts';
import { absencesRoutes } from '../http/absences-routes.ts';
import { calibrationRoutes } from '../http/calibration-routes.ts';
import { casesRoutes } from '../http/cases-routes.ts';
import { errorHandler, notFound } from '../http/errors.ts';
import { exportsRoutes } from '../http/exports-routes.ts';
import { guardRoutes } from '../http/guard-routes.ts';
import { lanesRoutes } from '../http/lanes-routes.ts';
import { metricsRoutes } from '../http/metrics.ts';
import { outboxRoutes } from '../http/outbox-routes.ts';
import { peopleRoutes } from '../http/people-routes.ts';
import { rosterRoutes } from '../http/roster-routes.ts';
import { screeningsRoutes } from '../http/screenings-routes.ts';
import { securityHeaders } from '../http/security-headers.ts';
import { sessionRoutes } from '../http/session-routes.ts';
import { simRoutes } from '../http/sim-routes.ts';
import { summaryRoutes } from '../http/summary-routes.ts';
import type { Logger } from '../logger.ts';
import { VERSION } from '../version.ts';
import type { LanesPart } from './lanes-part.ts';
import type { SchoolPart } from './school-part.ts';
import type { StorePart } from './store-part.ts';

const uiDist = join(PROJECT_ROOT, 'ui', 'dist');

export interface WebAppDeps {
  config: KioskConfig;
  store: StorePart;
  lanes: LanesPart;
  devices: readonly LaneDevice[];
  school: SchoolPart['school'];
  sources: PrincipalSources;
  demoDisplayToken: string | null;
  /** The displays are told when a lane's calibration changes (set once the sockets exist). */
  calibrated: () => void;
  now: () => number;
}

/**
 * The HTTP app: one spelling per path (`/api/cases/` and `/API/cases` are not `/api/cases`, so they
 * reach no handler and no guard decides about them); every route names its access beside its handler
 * (`guardedRouter`), and the kiosk does not start when one does not.
 */
export function buildWebApp(deps: WebAppDeps, log: Logger): Express {
  const { config, store } = deps;
  const secure = config.server.tls !== undefined;
  const app = express();
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.disable('x-powered-by');
  app.use(securityHeaders(secure));
  // No answer is cached (API data, refusals, 404s) but the page files, below.
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  installAccessControl(app, accessControl(deps.sources, config.server.metricsToken));
  app.use(
    sessionRoutes({
      users: store.users,
      sessions: store.sessions,
      sources: deps.sources,
      throttle: new LoginThrottle(5),
      addressThrottle: new LoginThrottle(20),
      audit: store.audit,
      secureCookie: secure,
    }),
  );
  app.use(siteRoutes(deps.demoDisplayToken));
  useApiRoutes(app, deps);
  // What no route answered under /api and /metrics ends here, before any file is looked for.
  app.use(['/api', '/metrics'], notFound);
  // The pages: built files only, which hold no data (what they show comes through the API and sockets).
  if (!existsSync(uiDist))
    log.warn(
      { zh: '浏览器页面尚未构建：请运行 `npm run build`', uiDist },
      'the browser pages are not built: run `npm run build`',
    );
  const staticPages = express.static(uiDist, { index: 'index.html', maxAge: '1h' });
  app.use((req, res, next) => {
    res.removeHeader('Cache-Control');
    staticPages(req, res, next);
  });
  app.use(notFound);
  app.use(errorHandler(log));
  const routing = routingProblems(app);
  if (routing.length > 0) throw new Error(`routing: ${routing.join('; ')}`);
  return app;
}

/** /healthz and the short paths of the pages. */
function siteRoutes(demoDisplayToken: string | null) {
  const site = guardedRouter();
  site.get('/healthz', 'public', (_req, res) => {
    res.json({ status: 'ok', version: VERSION });
  });
  // The demo opens straight on its gate display; a real kiosk's display is paired with `display add`.
  site.get('/', 'public', (_req, res) =>
    res.redirect(302, demoDisplayToken ? `/display/?token=${demoDisplayToken}` : '/display/'),
  );
  site.get('/diag', 'public', (_req, res) => res.redirect(302, '/diag/'));
  site.get('/display', 'public', (req, res) => {
    const q = req.originalUrl.indexOf('?');
    res.redirect(302, `/display/${q >= 0 ? req.originalUrl.slice(q) : ''}`);
  });
  site.get('/favicon.ico', 'public', (_req, res) => {
    res.status(204).end();
  });
  return site.router;
}

function useApiRoutes(app: Express, deps: WebAppDeps): void {
  const { config, store, lanes, devices, now } = deps;
  const { db, audit, directory, uploader } = store;
  const laneList = lanes.lanes;
  app.use(lanesRoutes(laneList, devices, lanes.calibrations));
  app.use(
    calibrationRoutes(
      lanes.calibrations,
      laneList.map((l) => l.id),
      deps.calibrated,
    ),
  );
  app.use(screeningsRoutes(store.screenings, audit));
  app.use(metricsRoutes(laneList, devices, () => uploader.status()));
  app.use(outboxRoutes(uploader));
  app.use(peopleRoutes(directory, new ReturnCertificateStore(db), audit, store.refreshPeople));
  app.use(casesRoutes(lanes.cases, audit));
  app.use(guardRoutes(lanes.gate, audit));
  app.use(
    absencesRoutes({
      absences: lanes.absences,
      audit,
      sessions: config.sessions,
      timeZone: config.school.timezone,
      now,
    }),
  );
  app.use(exportsRoutes({ db, config, audit, now }));
  app.use(summaryRoutes({ db, config: deps.school.summaryConfig(config), now }));
  app.use(simRoutes(devices));
  for (const router of deps.school.routers) app.use(router);
  app.use(
    rosterRoutes(store.people, config.school.timezone, (current) => directory.replace(current), {
      audit,
      limits: rosterLimitsOf(config.rosterLimits),
    }),
  );
}
