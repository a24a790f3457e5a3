import * as pulumi from "@pulumi/pulumi";

/** One problem found in the inputs, addressed by the file it came from and the field path inside it. */
export interface Issue {
    /** `vms/k8s-dev.yaml`, `Pulumi.dev.yaml`, ... */
    readonly file: string;
    /** Field path inside the file (`ipconfig0`, `nested_disks.scsi.scsi0.disk.size`, `homelab:clusters[0].name`); empty for the whole file. */
    readonly path: string;
    readonly message: string;
}

export function formatIssue(issue: Issue): string {
    return issue.path ? `${issue.file}: ${issue.path}: ${issue.message}` : `${issue.file}: ${issue.message}`;
}

/**
 * Collects every problem before anything is registered, so one run reports them all
 * (onedr0p/cluster-template style) instead of failing on the first.
 */
export class IssueCollector {
    private readonly found: Issue[] = [];

    add(file: string, path: string, message: string): void {
        this.found.push({ file, path, message });
    }

    /** A scoped adder for one file. */
    forFile(file: string): (path: string, message: string) => void {
        return (path, message) => this.add(file, path, message);
    }

    get issues(): readonly Issue[] {
        return this.found;
    }

    get count(): number {
        return this.found.length;
    }

    throwIfAny(): void {
        if (this.found.length > 0) {
            throw new PlatformValidationError(this.found);
        }
    }
}

/**
 * A RunError, so `pulumi up` prints the report without a JavaScript stack trace.
 * Thrown before any resource is registered.
 */
export class PlatformValidationError extends pulumi.RunError {
    readonly issues: readonly Issue[];

    constructor(issues: readonly Issue[]) {
        const lines = issues.map((i) => `  - ${formatIssue(i)}`);
        const noun = issues.length === 1 ? "problem" : "problems";
        super(`invalid platform definition: ${issues.length} ${noun} found, nothing was created:\n${lines.join("\n")}`);
        this.name = "PlatformValidationError";
        this.issues = issues;
    }
}
