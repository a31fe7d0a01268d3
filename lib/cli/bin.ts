import fs from "node:fs";
import { main } from "./main";
import { setInstalledAt } from "./version-notice";

// The entry of the `hangar` bundle (scripts/build-cli.ts); scripts/hangar.mjs runs the same main()
// from a checkout. An update overwrites this file, wherever it was installed.
const self = process.argv[1];
if (self) setInstalledAt(fs.realpathSync(self));
void main(process.argv).then((code) => {
  process.exitCode = code;
});
