import type { Bilingual } from '../policy/types.ts';
import type { ClockImplausible, ClockJump } from './clock-watch.ts';

/** What the gate display says about the system clock, since when. */
export interface ClockWarning extends Bilingual {
  at: string;
}

/** The clock jumped: by how much and which way, in minutes or seconds. */
export function clockJumpWarning(jump: ClockJump): ClockWarning {
  const minutes = Math.round(jump.deltaMs / 60_000);
  const size = minutes >= 1 ? `${minutes} 分钟` : `${Math.round(jump.deltaMs / 1000)} 秒`;
  const sizeEn = minutes >= 1 ? `${minutes} min` : `${Math.round(jump.deltaMs / 1000)} s`;
  const at = jump.at.toISOString();
  return jump.direction === 'backwards'
    ? { zh: `系统时间回拨了 ${size}`, en: `The clock went back ${sizeEn}`, at }
    : { zh: `系统时间前跳了 ${size}`, en: `The clock jumped ahead ${sizeEn}`, at };
}

/** The clock reads a date before this build could have run. */
export function implausibleClockWarning({ at }: ClockImplausible): ClockWarning {
  const day = at.toISOString().slice(0, 10);
  return { zh: `系统时间不可信（${day}）`, en: `The system clock is wrong (${day})`, at: at.toISOString() };
}
