/**
 * The CPU time this process has used since it started (user + system, every thread: Node's
 * startup, module loading, the JIT and the garbage collector included), in milliseconds. A bench
 * process prints it last, so the bench compares CPU time as well as wall time: on a loaded machine
 * wall time mostly measures the wait for a core. https://nodejs.org/api/process.html#processcpuusagepreviousvalue
 */
export function cpuMs(): number {
    const { user, system } = process.cpuUsage();
    return Math.round((user + system) / 1000);
}
