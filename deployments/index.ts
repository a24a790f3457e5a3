import * as path from "path";
import { prepareDeployments } from "./program";

// Pulumi calls the exported function; the platform project is the repository root, one folder up.
export = () => prepareDeployments(path.resolve(__dirname, ".."))();
