import { platform } from "./program";

// Pulumi calls an exported function and uses what it resolves to as the stack outputs.
export = () => platform();
