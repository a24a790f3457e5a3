import type { EngineEvent } from "@pulumi/pulumi/automation";

/**
 * What the driver prints: each stack's lines prefixed with its name, and a live progress line per
 * stack. On a terminal the progress lines stay at the bottom and are redrawn in place; in a log
 * (CI) a stack's progress line is printed when it changed and at most once per interval, so logs
 * stay readable.
 */

export interface Terminal {
    write(text: string): void;
    readonly isTTY: boolean;
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** Resources done out of those the engine has started so far, from the operation's engine events. */
export class ProgressCounter {
    private readonly planned = new Set<string>();
    private readonly finished = new Set<string>();
    private readonly failedUrns = new Set<string>();

    observe(event: EngineEvent): void {
        const pre = event.resourcePreEvent?.metadata;
        if (pre && pre.type !== ROOT_STACK_TYPE) {
            this.planned.add(pre.urn);
        }
        const done = event.resOutputsEvent?.metadata;
        if (done && done.type !== ROOT_STACK_TYPE) {
            this.finished.add(done.urn);
        }
        const failed = event.resOpFailedEvent?.metadata;
        if (failed && failed.type !== ROOT_STACK_TYPE) {
            this.failedUrns.add(failed.urn);
        }
    }

    get done(): number {
        return new Set([...this.finished, ...this.failedUrns]).size;
    }

    get total(): number {
        return this.planned.size;
    }

    get failed(): number {
        return this.failedUrns.size;
    }

    describe(): string {
        const running = this.total - this.done;
        return `${this.done}/${this.total} resources done${running > 0 ? `, ${running} in progress` : ""}${this.failed > 0 ? `, ${this.failed} failed` : ""}`;
    }
}

export function formatDuration(ms: number): string {
    if (ms < 1_000) {
        return `${Math.round(ms)}ms`;
    }
    if (ms < 60_000) {
        return `${(ms / 1000).toFixed(1)}s`;
    }
    const s = Math.round(ms / 1000);
    return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

export class DriverConsole {
    private readonly width: number;
    private readonly partial = new Map<string, string>();
    private readonly progress = new Map<string, string>();
    private readonly lastPrinted = new Map<string, number>();
    private drawn = 0;

    constructor(
        private readonly terminal: Terminal,
        stacks: readonly string[],
        private readonly now: () => number = Date.now,
        /** In a log, the least time between two progress lines of one stack. */
        private readonly logIntervalMs = 10_000,
    ) {
        this.width = Math.max(0, ...stacks.map((s) => s.length));
    }

    private prefix(stack: string): string {
        return `${stack.padEnd(this.width)} | `;
    }

    /** A message of the driver's own, not about one stack. */
    info(text: string): void {
        this.emit(text.endsWith("\n") ? text : `${text}\n`);
    }

    /** Whole lines about a stack, each prefixed with its name. */
    line(stack: string, text: string): void {
        this.emit(
            text
                .replace(/\n$/, "")
                .split("\n")
                .map((l) => `${this.prefix(stack)}${l}\n`)
                .join(""),
        );
    }

    /** A chunk of the CLI's output: complete lines are printed at once, a partial line waits for its end. */
    output(stack: string, chunk: string): void {
        const text = (this.partial.get(stack) ?? "") + chunk.replace(/\r\n/g, "\n");
        const cut = text.lastIndexOf("\n");
        this.partial.set(stack, text.slice(cut + 1));
        if (cut >= 0) {
            this.line(stack, text.slice(0, cut));
        }
    }

    /** Prints what is left of a stack's partial line. */
    flush(stack: string): void {
        const rest = this.partial.get(stack);
        this.partial.delete(stack);
        if (rest) {
            this.line(stack, rest);
        }
    }

    setProgress(stack: string, text: string): void {
        if (this.progress.get(stack) === text) {
            return;
        }
        this.progress.set(stack, text);
        if (this.terminal.isTTY) {
            this.redraw();
            return;
        }
        const last = this.lastPrinted.get(stack);
        if (last === undefined || this.now() - last >= this.logIntervalMs) {
            this.lastPrinted.set(stack, this.now());
            this.terminal.write(`${this.prefix(stack)}${text}\n`);
        }
    }

    /** Drops the stack's live line, printing its last state once. */
    endProgress(stack: string, finalText: string): void {
        this.progress.delete(stack);
        this.lastPrinted.delete(stack);
        this.line(stack, finalText);
    }

    private emit(text: string): void {
        if (!this.terminal.isTTY) {
            this.terminal.write(text);
            return;
        }
        this.terminal.write(this.erase() + text + this.board());
    }

    private redraw(): void {
        this.terminal.write(this.erase() + this.board());
    }

    private erase(): string {
        // Cursor up over the progress block, to column 0, clear to the end of the screen.
        const seq = this.drawn > 0 ? `\x1b[${this.drawn}A\r\x1b[J` : "";
        this.drawn = 0;
        return seq;
    }

    private board(): string {
        const lines = [...this.progress].map(([stack, text]) => `${this.prefix(stack)}${text}\n`);
        this.drawn = lines.length;
        return lines.join("");
    }
}
