import { bool, closest, configKind, decodeConfigValue, ignored, int, joinPath, map, object, oneOf, pattern, str, validate, z } from "./schema";

const SLOT = { pattern: /^scsi\d$/, hint: "a scsi slot" };

const schema = object({
    name: pattern("name", /^[a-z]+$/, "a lowercase word"),
    cores: int("cores", 1, 8).default(1),
    state: oneOf("state", ["running", "stopped"]).optional(),
    clone: str("template").nullable().default(null),
    serial: bool("serial").optional(),
    tags: z.array(str("tag")).min(1).optional(),
    slots: map(object({ storage: str("storage"), size: str("size").optional() }), SLOT).optional(),
    legacy: ignored("ignored"),
});

function problems(value: unknown, base = ""): { parsed: unknown; lines: string[] } {
    const lines: string[] = [];
    const parsed = validate(schema, value, base, (path, message) => lines.push(`${path}: ${message}`));
    return { parsed, lines };
}

describe("validate", () => {
    it("returns the parsed value with its defaults, typed from the schema", () => {
        const { parsed, lines } = problems({ name: "vm", legacy: { anything: [1] } });
        expect(lines).toEqual([]);
        expect(parsed).toEqual({ name: "vm", cores: 1, clone: null, legacy: { anything: [1] } });
    });

    it("keeps the input's key order, at every depth, with defaulted fields last", () => {
        const { parsed } = problems({ slots: { scsi1: { size: "1G", storage: "b" }, scsi0: { storage: "a" } }, name: "vm" });
        expect(JSON.stringify(parsed)).toBe('{"slots":{"scsi1":{"size":"1G","storage":"b"},"scsi0":{"storage":"a"}},"name":"vm","cores":1,"clone":null}');
    });

    it("says what each kind of value must be, and what it got", () => {
        expect(problems({ name: 5, cores: "eight", state: "paused", clone: [], serial: "yes", tags: {} }).lines).toEqual([
            "name: must be a string, got number 5",
            'cores: must be an integer, got string "eight"',
            'state: must be one of running, stopped, got "paused"',
            "clone: must be a string, got a list",
            'serial: must be true or false, got string "yes"',
            "tags: must be a list, got a mapping",
        ]);
        expect(problems({ name: "vm", cores: 1.5, state: 3, slots: [] }).lines).toEqual([
            "cores: must be an integer, got number 1.5",
            "state: must be a string, got number 3",
            "slots: must be a mapping, got a list",
        ]);
        expect(problems(null).lines).toEqual([": must be a mapping, got null"]);
    });

    it("reports bounds, patterns, required fields and list lengths", () => {
        expect(problems({ cores: 0, tags: [] }).lines).toEqual(["name: is required", "cores: must be at least 1, got 0", "tags: must list at least 1 item"]);
        expect(problems({ name: "Vm", cores: 9 }).lines).toEqual(['name: "Vm" is not a lowercase word', "cores: must be at most 8, got 9"]);
    });

    it("reports a missing enum as required, and list minimums in the plural", () => {
        const lines: string[] = [];
        const required = object({ state: oneOf("state", ["running", "stopped"]), disks: z.array(str("disk")).min(2) });
        expect(validate(required, { disks: ["a"] }, "", (p, m) => lines.push(`${p}: ${m}`))).toBeUndefined();
        expect(lines).toEqual(["state: is required", "disks: must list at least 2 items"]);
    });

    it("leaves zod's own message where the project has no wording: other types, refinements without a message", () => {
        const lines: string[] = [];
        validate(z.null(), "x", "f", (p, m) => lines.push(`${p}: ${m}`));
        // An absent value failing a refinement is not "required": only a missing typed field is.
        validate(object({ a: z.unknown().refine((v) => v !== undefined) }), {}, "g", (p, m) => lines.push(`${p}: ${m}`));
        expect(lines).toEqual(["f: Invalid input: expected null, received string", "g.a: Invalid input"]);
    });

    it("reports a mistyped value once, not also by the checks of the type it should have had", () => {
        expect(problems({ name: "vm", tags: "" }).lines).toEqual(['tags: must be a list, got string ""']);
    });

    it("addresses nested problems by path under the base, keys of mappings and list indexes included", () => {
        expect(problems({ name: "vm", tags: ["a", 2], slots: { scsi0: { storage: 1 }, disk1: { storage: 5 } } }, "homelab:x").lines).toEqual([
            "homelab:x.tags[1]: must be a string, got number 2",
            "homelab:x.slots.scsi0.storage: must be a string, got number 1",
            'homelab:x.slots.disk1: "disk1" is not a scsi slot',
        ]);
    });

    it("reports unknown fields first, one line each, with a hint when a known one is close", () => {
        expect(problems({ name: 1, corse: 2, zzzzzz: 3, slots: { scsi0: { storage: "s", sise: "1G", cores: 1 } } }).lines).toEqual([
            'corse: unknown field (did you mean "cores"?)',
            "zzzzzz: unknown field",
            "name: must be a string, got number 1",
            'slots.scsi0.sise: unknown field (did you mean "size"?)',
            "slots.scsi0.cores: unknown field",
        ]);
    });

    it("puts a nested object's unknown fields before that object's own problems", () => {
        expect(problems({ name: "vm", slots: { scsi0: { storage: 1, sise: "1G" } } }).lines).toEqual([
            'slots.scsi0.sise: unknown field (did you mean "size"?)',
            "slots.scsi0.storage: must be a string, got number 1",
        ]);
    });

    it("finds the known fields of objects inside lists for the hint", () => {
        const lines: string[] = [];
        validate(object({ disks: z.array(object({ size: str("size") })) }), { disks: [{ sise: "1G" }] }, "", (p, m) => lines.push(`${p}: ${m}`));
        expect(lines).toEqual(['disks[0].sise: unknown field (did you mean "size"?)', "disks[0].size: is required"]);
    });

    it("reports an unknown field without a hint where no object schema is found (behind a transform)", () => {
        const lines: string[] = [];
        validate(object({ a: str("a") }).transform((v) => v), { a: "x", zzz: 1 }, "", (p, m) => lines.push(`${p}: ${m}`));
        validate(object({ t: object({ inner: object({ a: str("a") }) }).transform((v) => v) }), { t: { inner: { a: "x", zzz: 1 } } }, "", (p, m) => lines.push(`${p}: ${m}`));
        expect(lines).toEqual(["zzz: unknown field", "t.inner.zzz: unknown field"]);
    });

    it("bounds an integer only where asked", () => {
        const lines: string[] = [];
        const check = (schema: z.ZodType, value: number) => validate(schema, value, "n", (p, m) => lines.push(`${p}: ${m}`));
        expect([check(int("n"), -5), check(int("n", 1), 1e9), check(int("n", undefined, 8), -3), check(int("n", 1, 8), 8)]).toEqual([-5, 1e9, -3, 8]);
        expect(lines).toEqual([]);
        expect([check(int("n", 1), 0), check(int("n", undefined, 8), 9), check(int("n", 1, 8), 0)]).toEqual([undefined, undefined, undefined]);
        expect(lines).toEqual(["n: must be at least 1, got 0", "n: must be at most 8, got 9", "n: must be at least 1, got 0"]);
    });
});

describe("validate's parsed value", () => {
    const disk = object({ storage: str("storage"), size: str("size").optional() });
    const schema = object({
        disks: z.array(disk).default([{ storage: "local", size: "8G" }]),
        boot: disk.default({ storage: "local" }),
        clone: str("clone").nullable(),
    });

    it("keeps the input's key order inside list items", () => {
        const parsed = validate(schema, { disks: [{ size: "1G", storage: "a" }], clone: null, boot: { size: "2G", storage: "b" } }, "", () => undefined);
        expect(JSON.stringify(parsed)).toBe('{"disks":[{"size":"1G","storage":"a"}],"clone":null,"boot":{"size":"2G","storage":"b"}}');
    });

    it("fills defaulted lists and objects, and nulls, as they are", () => {
        expect(validate(schema, { clone: null }, "", () => undefined)).toStrictEqual({
            clone: null,
            disks: [{ storage: "local", size: "8G" }],
            boot: { storage: "local" },
        });
    });

    it("fills defaults for keys the input holds as undefined", () => {
        expect(validate(schema, { clone: null, disks: undefined, boot: undefined }, "", () => undefined)).toStrictEqual({
            clone: null,
            disks: [{ storage: "local", size: "8G" }],
            boot: { storage: "local" },
        });
    });

    it("leaves out input keys the schema strips", () => {
        expect(validate(z.object({ a: str("a") }), { b: 1, a: "x" }, "", () => undefined)).toStrictEqual({ a: "x" });
    });
});

describe("config values", () => {
    it("tells the kind of value a config key's schema takes", () => {
        expect(configKind(str("s"))).toBe("string");
        expect(configKind(bool("b"))).toBe("boolean");
        expect(configKind(z.array(str("s")))).toBe("array");
        expect(configKind(map(str("s")))).toBe("map");
        expect(configKind(object({ a: str("a") }))).toBe("object");
        expect(configKind(int("n"))).toBe("object");
    });

    it("decodes JSON for every kind but strings, and says which kind a malformed value should have been", () => {
        const kinds: string[] = [];
        const malformed = (kind: string) => kinds.push(kind);
        expect(decodeConfigValue(str("s"), "[not json", malformed)).toStrictEqual({ value: "[not json" });
        expect(decodeConfigValue(bool("b"), "true", malformed)).toStrictEqual({ value: true });
        expect(decodeConfigValue(map(str("s")), '{"a":"1"}', malformed)).toStrictEqual({ value: { a: "1" } });
        expect(kinds).toEqual([]);
        expect(decodeConfigValue(z.array(str("s")), "[1,", malformed)).toBeUndefined();
        expect(decodeConfigValue(object({}), "{", malformed)).toBeUndefined();
        expect(kinds).toEqual(["array", "object"]);
    });
});

describe("rules over several fields", () => {
    // How a cross-field rule is added to a schema: its message and path (relative to the refined
    // object) are reported as written, after the fields' own problems.
    const range = object({ low: int("low", 0, 10), high: int("high") }).superRefine((v, ctx) => {
        if (v.low > v.high) {
            ctx.addIssue({ code: "custom", path: ["low"], message: `must not exceed high (${v.high})` });
        }
    });

    it("reports a refinement's own message at its path", () => {
        const lines: string[] = [];
        expect(validate(range, { low: 11, high: 1, hihg: 2 }, "nested_disks", (p, m) => lines.push(`${p}: ${m}`))).toBeUndefined();
        expect(lines).toEqual([
            'nested_disks.hihg: unknown field (did you mean "high"?)',
            "nested_disks.low: must be at most 10, got 11",
            "nested_disks.low: must not exceed high (1)",
        ]);
    });

    it("does not run the refinement on a value of the wrong type", () => {
        const lines: string[] = [];
        validate(range, { low: "x", high: 1 }, "", (p, m) => lines.push(`${p}: ${m}`));
        expect(lines).toEqual(['low: must be an integer, got string "x"']);
    });
});

describe("path and hint helpers", () => {
    it("joins paths as the reports write them", () => {
        expect(joinPath("", "a")).toBe("a");
        expect(joinPath("a", "b")).toBe("a.b");
        expect(joinPath("a", 3)).toBe("a[3]");
    });

    it("suggests the closest name within two edits, case-insensitively", () => {
        expect(closest("corse", ["cores", "sockets"])).toBe("cores");
        expect(closest("MEMORY", ["memory"])).toBe("memory");
        expect(closest("network", ["name"])).toBeUndefined();
        // Three edits is too far, counting every letter of the name (the last one too).
        expect(closest("namexyz", ["name"])).toBeUndefined();
        expect(closest("namexy", ["name"])).toBe("name");
        // Ties go to the first name in alphabetical order, whatever order the names come in.
        expect(closest("cat", ["cet", "cbt", "cut"])).toBe("cbt");
    });
});
