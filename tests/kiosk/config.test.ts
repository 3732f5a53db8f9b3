import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../../kiosk/config/load.ts';

const lane = (id: string, model = 'k3-ascii') => `
  - id: "${id}"
    name: lane ${id}
    devices:
      - { id: t${id}, role: thermometer, model: ${model}, port: simulated }
      - { id: s${id}, role: scanner, model: line-scanner, port: simulated }`;

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, 'x.yaml', '/base');
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('the config file', () => {
  it('loads the demo config with its defaults and resolves paths against its folder', () => {
    const config = loadConfig('fixtures/config/demo.yaml');
    expect(config.lanes.map((l) => l.id)).toEqual(['1', '2']);
    expect(config.rules.feverC).toBe(37.3);
    expect(config.roster).toMatch(/fixtures\/roster\/demo-roster\.csv$/);
    expect(config.dataDir).toBe(`${process.cwd()}/data`);
    expect(config.simulation.autoArrivalsPerMin).toBeGreaterThan(0);
  });

  it('fills defaults for a minimal file', () => {
    const config = parseConfig(`school: { id: s1, name: S }\nlanes:${lane('1')}`, 'x.yaml', '/base');
    expect(config.server).toEqual({ host: '127.0.0.1', port: 8080, sessionIdleMin: 30 });
    expect(config.rules.pairWindowS).toBe(10);
    expect(config.dataDir).toBe('/base/data');
    expect(config.school.timezone).toBe('Asia/Shanghai');
  });

  it('lists every problem, each with its path', () => {
    const found = problems(`
school: { id: s1, name: S, timezone: Mars/Olympus }
rules: { feverC: 40 }
sessions:
  - { id: morning, name: 晨检, start: "08:30", cutoff: "06:30" }
lanes:${lane('1')}${lane('2', 'xyz')}
  - id: "1"
    name: again
    devices: []
`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^school\.timezone: /),
        expect.stringMatching(/^rules\.feverC: .*39/),
        'sessions[0].cutoff: start must be before cutoff',
        expect.stringMatching(
          /^lanes\[1\]\.devices\[0\]\.model: unknown model "xyz"; known: gy-mcu90614, cjmcu-90614, idc50, k3-ascii, gd60914, line-scanner, zebra-ssi, gm65, rdm6300, em18, lcus-relay/,
        ),
        expect.stringMatching(/^lanes\[2\]\.devices: /),
        'lanes: lane id "1" is used twice',
      ]),
    );
    expect(found).toHaveLength(6);
  });

  it('reports duplicate ids, a wrong role and unknown keys', () => {
    const found = problems(`
school: { id: s1, name: S }
colour: blue
lanes:${lane('1')}${lane('1')}
  - id: "3"
    name: lane 3
    devices:
      - { id: x1, role: scanner, model: k3-ascii, port: /dev/ttyUSB0 }
`);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/colour/),
        'lanes: lane id "1" is used twice',
        'lanes: device id "t1" is used twice',
        'lanes[2].devices[0].role: model "k3-ascii" is a thermometer, not a scanner',
      ]),
    );
  });

  it('bounds roster files by rosterLimits, a school-sized default', () => {
    const base = `school: { id: s1, name: S }\nlanes:${lane('1')}`;
    expect(parseConfig(base, 'x.yaml', '/base').rosterLimits).toEqual({
      maxRows: 20_000,
      maxUnzippedMB: 50,
      maxCellChars: 1000,
    });
    expect(
      parseConfig(`${base}\nrosterLimits: { maxRows: 3000 }`, 'x.yaml', '/base').rosterLimits.maxRows,
    ).toBe(3000);
    expect(problems(`${base}\nrosterLimits: { maxRows: 0, maxUnzippedMB: -1, maxCellChars: 10 }`)).toEqual([
      expect.stringMatching(/^rosterLimits\.maxRows: /),
      expect.stringMatching(/^rosterLimits\.maxUnzippedMB: /),
      expect.stringMatching(/^rosterLimits\.maxCellChars: /),
    ]);
  });

  it('names the line of a YAML syntax error', () => {
    expect(problems('school: { id: s1\nlanes: [')[0]).toMatch(/^line \d+: /);
  });

  it('names an unreadable file', () => {
    expect(() => loadConfig('/nonexistent/k.yaml')).toThrow(/\/nonexistent\/k\.yaml.*cannot read/s);
  });
});
