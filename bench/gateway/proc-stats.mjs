// What Linux says about a process: CPU time (user + system, all threads) and resident memory, from /proc.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second, the unit of utime and stime in /proc/<pid>/stat. */
export function clockTicksPerSecond() {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/** utime + stime of the process, in clock ticks. */
export function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return Number(fields[11]) + Number(fields[12]);
}

/** A field of /proc/<pid>/status in kB (VmRSS, VmHWM), or undefined when the process is gone. */
export function statusKb(pid, field) {
  let status;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : undefined;
}

/** Samples VmRSS every `intervalMs`; `takePeak()` returns the highest sample since the last call. */
export class RssSampler {
  constructor(pid, intervalMs = 100) {
    this.pid = pid;
    this.peakKb = 0;
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample() {
    const kb = statusKb(this.pid, 'VmRSS');
    if (kb !== undefined && kb > this.peakKb) this.peakKb = kb;
  }

  takePeak() {
    this.sample();
    const peak = this.peakKb;
    this.peakKb = 0;
    return peak;
  }

  stop() {
    clearInterval(this.timer);
  }
}
