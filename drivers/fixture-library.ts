import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTranscript, type Transcript } from './replay.ts';

export interface FixtureInfo {
  /** File name inside the fixtures folder, e.g. `gy-mcu90614-normal.jsonl`. */
  name: string;
  model: string;
  note: string;
}

/** The recorded byte transcripts in a folder, by model, for diagnostics and simulated playback. */
export class FixtureLibrary {
  constructor(private readonly dir: string) {}

  list(): FixtureInfo[] {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((n) => n.endsWith('.jsonl'));
    } catch {
      return [];
    }
    return names.sort().flatMap((name) => {
      try {
        const first = readFileSync(join(this.dir, name), 'utf8').split('\n', 1)[0] ?? '';
        const header = JSON.parse(first) as { model?: unknown; note?: unknown };
        if (typeof header.model !== 'string') return [];
        return [{ name, model: header.model, note: typeof header.note === 'string' ? header.note : '' }];
      } catch {
        return [];
      }
    });
  }

  /** Loads one by name; the name must be one `list()` gives (no paths from outside). */
  load(name: string): Transcript {
    if (!this.list().some((f) => f.name === name)) throw new Error(`no fixture "${name}"`);
    return parseTranscript(readFileSync(join(this.dir, name), 'utf8'));
  }
}
