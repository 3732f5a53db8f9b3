import type { DeviceLink } from './transport/device-link.ts';
import type { Bilingual, ModelCommands } from './types.ts';

export interface SelfTestResult {
  ok: boolean;
  /** What was asked and what came of it, Chinese first. */
  detail: Bilingual;
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
      detail: {
        zh: '此型号不应答任何请求：请观察它发出的帧',
        en: 'this model answers no request: watch for its frames instead',
      },
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
        finish({
          ok: true,
          detail: {
            zh: `${test.description.zh}：${elapsedMs} 毫秒内应答`,
            en: `${test.description.en}: answered in ${elapsedMs} ms`,
          },
          elapsedMs,
        });
      }
    };
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          detail: {
            zh: `${test.description.zh}：${test.timeoutMs} 毫秒内无应答`,
            en: `${test.description.en}: no answer within ${test.timeoutMs} ms`,
          },
          elapsedMs: null,
        }),
      test.timeoutMs,
    );
    link.on('rx', onRx);
    if (!link.write(test.request))
      finish({ ok: false, detail: { zh: '串口未打开', en: 'the port is not open' }, elapsedMs: null });
  });
}
