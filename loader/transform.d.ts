/** Types for transform.js (plain JavaScript: Node must load it before any TypeScript can run). */
export interface Compiled {
    readonly code: string;
    /** Source map JSON; `sources` holds the absolute file name. */
    readonly map: string;
}
export function transform(source: string, filename: string): Compiled;
export function cacheKey(source: string, filename: string): string;
export function compileFile(filename: string, cacheDir?: string): Compiled & { readonly cached: boolean };
export function defaultCacheDir(): string | undefined;
