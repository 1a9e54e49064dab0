// What Linux says about a process: CPU time (user + system, all threads) and resident memory, from /proc.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

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

/** The processes started by `pid` and by them in turn (Lakegate's usage-store process), by pid. */
export function descendantPids(pid) {
  // /proc/<pid>/task/<tid>/children needs a kernel option this machine lacks: read every parent pid.
  const childrenOf = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it exited between the listing and the read
    }
    // Field 4 (ppid) is the second after the command name, which may hold spaces and parentheses.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const siblings = childrenOf.get(parent);
    if (siblings) siblings.push(Number(entry));
    else childrenOf.set(parent, [Number(entry)]);
  }
  const found = [];
  const visit = (parent) => {
    for (const child of childrenOf.get(parent) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

/** utime + stime of the process and of every process under it: the CPU a request cost, wherever it ran. */
export function treeCpuTicks(pid) {
  let ticks = cpuTicks(pid);
  for (const child of descendantPids(pid)) {
    try {
      ticks += cpuTicks(child);
    } catch {} // it exited between the listing and the read
  }
  return ticks;
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

/** VmRSS of the processes summed, in kB (one that is gone counts 0). */
export function summedRssKb(pids) {
  return pids.reduce((sum, pid) => sum + (statusKb(pid, 'VmRSS') ?? 0), 0);
}

/**
 * Samples VmRSS every `intervalMs`, of the process and (summed) of the processes under it; `takePeak()`
 * returns the highest of each since the last call, as { kb, childrenKb }. The processes under it are
 * listed again at each `takePeak()` only: listing reads all of /proc (~2.5 ms), too much every 100 ms.
 */
export class RssSampler {
  constructor(pid, intervalMs = 100) {
    this.pid = pid;
    this.children = descendantPids(pid);
    this.peakKb = 0;
    this.peakChildrenKb = 0;
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample() {
    const kb = statusKb(this.pid, 'VmRSS');
    if (kb !== undefined && kb > this.peakKb) this.peakKb = kb;
    const childrenKb = summedRssKb(this.children);
    if (childrenKb > this.peakChildrenKb) this.peakChildrenKb = childrenKb;
  }

  takePeak() {
    this.sample();
    this.children = descendantPids(this.pid);
    const peak = { kb: this.peakKb, childrenKb: this.peakChildrenKb };
    this.peakKb = 0;
    this.peakChildrenKb = 0;
    return peak;
  }

  stop() {
    clearInterval(this.timer);
  }
}
