import { proxmoxTags, userDataArtefactPath, userDataFileName } from "./naming";

describe("proxmoxTags", () => {
    it("lowercases, replaces what Proxmox does not allow with a dash, drops empties and duplicates, and sorts", () => {
        expect(proxmoxTags("K8s Dev", undefined, "", "role:control", "a_b+c.d-e", "k8s-dev", "Zeta")).toStrictEqual([
            "a_b+c.d-e",
            "k8s-dev",
            "role-control",
            "zeta",
        ]);
    });

    it("replaces every disallowed character, not only the first", () => {
        expect(proxmoxTags("a b/c")).toStrictEqual(["a-b-c"]);
    });

    it("gives no tags for no values", () => {
        expect(proxmoxTags()).toStrictEqual([]);
        expect(proxmoxTags(undefined, "")).toStrictEqual([]);
    });
});

describe("file names", () => {
    it("names a VM's user-data snippet and its render artefact after the VM", () => {
        expect(userDataFileName("k8s-dev-cp-1")).toBe("k8s-dev-cp-1-user-data.yaml");
        expect(userDataArtefactPath("k8s-dev-cp-1")).toBe("cloud-init/k8s-dev-cp-1.user-data.yaml");
    });
});
