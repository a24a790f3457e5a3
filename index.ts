import { preparePlatform } from "./program";

// Pulumi calls an exported function and uses what it resolves to as the stack outputs.
export = () => preparePlatform(__dirname)();
