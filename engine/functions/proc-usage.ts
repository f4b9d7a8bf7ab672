import fs from 'node:fs';

/** Linux's USER_HZ: `/proc/<pid>/stat` counts CPU time in 1/100 s on every mainstream kernel. */
const CLOCK_TICKS_PER_SECOND = 100;

/** What the kernel accounts to one process: CPU time (user + system) and resident memory. */
export interface ProcUsage {
  cpuMs: number;
  rssBytes: number;
}

/**
 * CPU time and resident memory of process `pid` from `/proc` (Linux), or undefined where there
 * is no `/proc` or the process is gone. Read by the host, so a function cannot lie about it.
 */
export function procUsage(pid: number): ProcUsage | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "pid (comm) ": state is field 3, utime 14, stime 15, rss (pages) 24.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
    return { cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND, rssBytes: rssKb * 1024 };
  } catch {
    return undefined;
  }
}
