/**
 * A `report(path, message)` that records `path: message` lines, for the checks that take a reporter.
 * Apart from inputs.ts so tests of modules that do not load the Pulumi SDK (argocd.ts,
 * observability.ts) do not load it either: every test file of the mutation group is loaded for
 * every mutant, and the SDK takes seconds to load.
 */
export function recorder(): { report: (path: string, message: string) => void; lines: string[] } {
    const lines: string[] = [];
    return { report: (path, message) => lines.push(`${path}: ${message}`), lines };
}
