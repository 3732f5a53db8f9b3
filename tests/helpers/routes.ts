import type { Express } from 'express';

export interface RouteEntry {
  method: string;
  pattern: string;
}

/** The routes, read from the express router's stack (routers nested in the app included). */
export function routesOf(app: Express): RouteEntry[] {
  interface LayerLike {
    route?: { path: string; methods: Record<string, boolean> };
    handle?: { stack?: LayerLike[] };
    rawPath?: unknown;
  }
  const out: RouteEntry[] = [];
  const walk = (stack: LayerLike[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const m of Object.keys(layer.route.methods)) {
          out.push({ method: m.toUpperCase(), pattern: `${prefix}${layer.route.path}` });
        }
      } else if (Array.isArray(layer.handle?.stack)) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, `${prefix}${mount}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack, '');
  return out;
}
