import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The embedded default: two simulated lanes and the demo roster. */
export const DEFAULT_CONFIG = join(PROJECT_ROOT, 'fixtures', 'config', 'demo.yaml');
