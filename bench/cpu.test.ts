import { cpuMs } from "./cpu";

describe("cpuMs", () => {
    it("is this process's user + system time since it started, in whole milliseconds", () => {
        const before = process.cpuUsage();
        const reported = cpuMs();
        const after = process.cpuUsage();
        expect(Number.isInteger(reported)).toBe(true);
        expect(reported).toBeGreaterThanOrEqual(Math.floor((before.user + before.system) / 1000));
        expect(reported).toBeLessThanOrEqual(Math.ceil((after.user + after.system) / 1000));
        // A Jest worker has spent well over a few milliseconds in the kernel (reading modules), so
        // user time alone would be below the lower bound above.
        expect(before.system).toBeGreaterThan(5000);
        expect(reported).toBeGreaterThan(Math.ceil(after.user / 1000));
    });
});
