// Describes the machine a report was measured on, so figures from different hosts are never confused.

import os from 'node:os';
import type { MachineInfo } from '../measurements.js';

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    // availableParallelism honours cgroup/affinity limits where os.cpus() lists every host CPU.
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    node: process.version,
    kernel: os.release(),
    platform: `${os.platform()}-${os.arch()}`,
    hostname: os.hostname(),
  };
}
