import { createProxmoxProvider } from "./components/hosts/provider";
import { HostFleet } from "./components/hosts/hostFleet";
import { LoadedPlatform, loadPlatform } from "./platform";

export type PlatformProgram = () => Promise<Record<string, unknown>>;

/**
 * Loads and validates the stack's config and every VM file, throwing the full report on bad input;
 * then returns the program that registers the resources. Validation thus finishes before anything,
 * even the root stack, is registered.
 */
export function preparePlatform(projectDir: string = __dirname): PlatformProgram {
    const loaded = loadPlatform(projectDir);
    return () => buildPlatform(loaded);
}

/** Stack output names are a public contract: other stacks and the driver read them. */
async function buildPlatform({ config, fleet }: LoadedPlatform): Promise<Record<string, unknown>> {
    const proxmox = createProxmoxProvider("proxmox", config.proxmox);
    const hosts = new HostFleet("hosts", { fleet, config }, { providers: [proxmox] });
    return {
        hosts: hosts.summary,
    };
}
