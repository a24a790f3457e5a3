import * as pulumi from "@pulumi/pulumi";
import { formatIssue, IssueCollector, PlatformValidationError } from "./issues";

describe("formatIssue", () => {
    it("addresses a problem by file and field path", () => {
        expect(formatIssue({ file: "vms/k8s-dev.yaml", path: "memory", message: "must be an integer" })).toBe("vms/k8s-dev.yaml: memory: must be an integer");
    });

    it("leaves the path out for a problem of the whole file", () => {
        expect(formatIssue({ file: "vms/k8s-dev.yaml", path: "", message: "is empty" })).toBe("vms/k8s-dev.yaml: is empty");
    });
});

describe("IssueCollector", () => {
    it("collects every problem in the order found, through scoped adders too", () => {
        const issues = new IssueCollector();
        expect(issues.count).toBe(0);
        issues.add("Pulumi.dev.yaml", "homelab:clusters[0].name", "is required");
        const vm = issues.forFile("vms/a.yaml");
        vm("cores", "must be at least 1, got 0");
        vm("", "is empty");
        expect(issues.count).toBe(3);
        expect(issues.issues).toStrictEqual([
            { file: "Pulumi.dev.yaml", path: "homelab:clusters[0].name", message: "is required" },
            { file: "vms/a.yaml", path: "cores", message: "must be at least 1, got 0" },
            { file: "vms/a.yaml", path: "", message: "is empty" },
        ]);
    });

    it("throws nothing while there is nothing to report", () => {
        expect(() => new IssueCollector().throwIfAny()).not.toThrow();
    });

    it("throws every problem at once, as a PlatformValidationError", () => {
        const issues = new IssueCollector();
        issues.add("vms/a.yaml", "cores", "must be at least 1, got 0");
        issues.add("vms/b.yaml", "", "is empty");
        let thrown: unknown;
        try {
            issues.throwIfAny();
        } catch (error) {
            thrown = error;
        }
        expect(thrown).toBeInstanceOf(PlatformValidationError);
        expect((thrown as PlatformValidationError).issues).toStrictEqual(issues.issues);
        expect((thrown as Error).message).toBe(
            "invalid platform definition: 2 problems found, nothing was created:\n  - vms/a.yaml: cores: must be at least 1, got 0\n  - vms/b.yaml: is empty",
        );
    });
});

describe("PlatformValidationError", () => {
    it("is a RunError, so Pulumi prints it without a stack trace, and counts one problem in the singular", () => {
        const error = new PlatformValidationError([{ file: "Pulumi.dev.yaml", path: "homelab:vault", message: "is required" }]);
        expect(error).toBeInstanceOf(pulumi.RunError);
        expect(pulumi.RunError.isInstance(error)).toBe(true);
        expect(error.name).toBe("PlatformValidationError");
        expect(error.message).toBe("invalid platform definition: 1 problem found, nothing was created:\n  - Pulumi.dev.yaml: homelab:vault: is required");
    });
});
