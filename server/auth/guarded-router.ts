import express, { type RequestHandler, Router } from 'express';
import type { RouteParameters } from 'express-serve-static-core';
import type { Access } from './access.ts';
import { accessOfGuard, routeGuard } from './http-guard.ts';

/** Routing that answers one spelling of a path only: case-sensitive, and `/x/` is not `/x`. */
export const STRICT_ROUTING = { strict: true, caseSensitive: true } as const;

/** JSON bodies are read only once the guard let the request in. */
const jsonBody = express.json({ limit: '64kb' });

type Declare = <P extends string>(
  path: P,
  access: Access,
  ...handlers: RequestHandler<RouteParameters<P>>[]
) => void;

/**
 * A router whose every route names who may use it, beside its handler: `routes.get(path, access,
 * handler)`. The guard is the route's first handler, so it runs exactly for the requests that
 * reach the handler, whatever else the app matches.
 */
export interface GuardedRouter {
  readonly router: Router;
  get: Declare;
  post: Declare;
  put: Declare;
  delete: Declare;
}

export function guardedRouter(): GuardedRouter {
  const router = Router(STRICT_ROUTING);
  const declare =
    (method: 'get' | 'post' | 'put' | 'delete'): Declare =>
    (path, access, ...handlers) => {
      router[method](path, routeGuard(access), jsonBody, ...(handlers as RequestHandler[]));
    };
  return {
    router,
    get: declare('get'),
    post: declare('post'),
    put: declare('put'),
    delete: declare('delete'),
  };
}

interface LayerLike {
  route?: { path: unknown; methods: Record<string, boolean>; stack: { handle: unknown }[] };
  handle?: unknown;
  rawPath?: unknown;
}
interface RouterLike {
  stack: LayerLike[];
  strict?: boolean;
  caseSensitive?: boolean;
}

const isRouter = (x: unknown): x is RouterLike =>
  typeof x === 'function' && Array.isArray((x as { stack?: unknown }).stack);

/**
 * What is wrong with an app's routing: a router that is not strict and case-sensitive, or a
 * route whose first handler is not a guard naming its access. The kiosk does not start with any.
 */
export function routingProblems(app: { router: unknown }): string[] {
  return isRouter(app.router) ? problemsOf(app.router, '') : ['the app has no router'];
}

function problemsOf(router: RouterLike, at: string): string[] {
  const problems: string[] = [];
  if (router.strict !== true || router.caseSensitive !== true) {
    problems.push(`router at "${at || '/'}" is not strict and case-sensitive`);
  }
  for (const layer of router.stack) {
    if (layer.route) {
      const methods = Object.keys(layer.route.methods).map((m) => m.toUpperCase());
      if (accessOfGuard(layer.route.stack[0]?.handle) === undefined) {
        problems.push(`${methods.join(',')} ${at}${String(layer.route.path)} names no access`);
      }
    } else if (isRouter(layer.handle)) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      problems.push(...problemsOf(layer.handle, `${at}${mount}`));
    }
  }
  return problems;
}
