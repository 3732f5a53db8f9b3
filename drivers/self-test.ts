import type { DeviceLink } from './transport/device-link.ts';
import type { ModelCommands } from './types.ts';

export interface SelfTestResult {
  ok: boolean;
  detail: string;
  elapsedMs: number | null;
}

/**
 * Sends the model's self-test request (a query or trigger) and waits for a valid frame in answer.
 * A device with no request it answers (a transmit-only card reader, a relay) cannot be tested this way.
 */
export function runSelfTest(link: DeviceLink, commands: ModelCommands | undefined): Promise<SelfTestResult> {
  const test = commands?.selfTest;
  if (!test) {
    return Promise.resolve({
      ok: false,
      detail: 'this model answers no request: watch for its frames instead',
      elapsedMs: null,
    });
  }
  const framesBefore = link.status().counters.frames;
  const started = performance.now();
  return new Promise((resolve) => {
    const finish = (result: SelfTestResult) => {
      clearTimeout(timer);
      link.off('rx', onRx);
      resolve(result);
    };
    const onRx = () => {
      if (link.status().counters.frames > framesBefore) {
        const elapsedMs = Math.round(performance.now() - started);
        finish({ ok: true, detail: `${test.description}: answered in ${elapsedMs} ms`, elapsedMs });
      }
    };
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          detail: `${test.description}: no answer within ${test.timeoutMs} ms`,
          elapsedMs: null,
        }),
      test.timeoutMs,
    );
    link.on('rx', onRx);
    if (!link.write(test.request)) finish({ ok: false, detail: 'the port is not open', elapsedMs: null });
  });
}
