import { execFileSync } from "node:child_process";

/** The disk digest computed outside Hangar, from `qemu-img convert -O raw`'s output, by Python's hashlib (the algorithm as docs/decisions.md states it). */
export function referenceDigest(rawFile: string): string {
  const script = `
import hashlib, sys
outer = hashlib.sha256()
with open(sys.argv[1], "rb") as f:
    while True:
        block = f.read(65536)
        if not block:
            break
        outer.update(hashlib.sha256(block).digest())
print(outer.hexdigest())
`;
  return execFileSync("python3", ["-c", script, rawFile], { encoding: "utf8" }).trim();
}

/** The same with the shell one-liner README.md gives (coreutils and xxd). */
export function shellDigest(rawFile: string): string {
  return execFileSync("sh", ["-c", `split -b 64K --filter 'sha256sum | head -c 64' "$1" | xxd -r -p | sha256sum | head -c 64`, "sh", rawFile], {
    encoding: "utf8",
  });
}
