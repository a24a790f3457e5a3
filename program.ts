import { createProxmoxProvider } from "./components/hosts/provider";
import { HostFleet } from "./components/hosts/hostFleet";
import { loadPlatform } from "./platform";

/**
 * The whole platform for the current stack. Stack output names are a public contract:
 * other stacks and the driver read them.
 */
export async function platform(projectDir: string = __dirname): Promise<Record<string, unknown>> {
    const { config, fleet } = loadPlatform(projectDir);
    const proxmox = createProxmoxProvider("proxmox", config.proxmox);
    const hosts = new HostFleet("hosts", { fleet, config }, { providers: [proxmox] });
    return {
        hosts: hosts.summary,
    };
}
