import { describe, expect, it } from "vitest";
import { GuestFs } from "../fs/guest-fs";
import { MemoryFileSystem, type MemoryNode } from "../testing/memory-fs";
import { execStarts, interpreterOf, pythonPackage, scriptWords, startedProgram } from "./programs";

const guestOf = (tree: { [name: string]: MemoryNode }) => new GuestFs(new MemoryFileSystem(tree));
const ELF = "\x7fELF";

describe("what a service would run at boot, read from the disk", () => {
  it("takes the program of each ExecStart=, prefixes and quotes dropped", () => {
    const unit = '[Service]\nExecStartPre=/bin/true\nExecStart=-/usr/bin/cloud-init init --local\n  ExecStart = !!"/usr/sbin/vmtoolsd"\n';
    expect(execStarts(unit)).toEqual(["/usr/bin/cloud-init", "/usr/sbin/vmtoolsd"]);
  });

  it("expands an init script's simple assignments, as Debian's and RHEL's cloud-init scripts use them", () => {
    const debian = 'NAME=cloud-init\nDAEMON=/usr/bin/$NAME\nDAEMON_ARGS="init --local"\n# $DAEMON is not run here\nstart) $DAEMON ${DAEMON_ARGS} ;;\n';
    expect(scriptWords(debian)).toContain("/usr/bin/cloud-init");
    expect(scriptWords('cloud_init="/usr/bin/cloud-init"\nstart() {\n    $cloud_init $CLOUDINITARGS init\n}\n')).toContain("/usr/bin/cloud-init");
  });

  it("resolves what a unit or script starts, and whether it is on the disk", async () => {
    const guest = guestOf({
      usr: { bin: { "cloud-init": "#!/usr/bin/python3\n", sh: ELF } },
      etc: {
        "main.service": "[Service]\nExecStart=/usr/bin/cloud-init --all-stages\n",
        // cloud-init 24.3's stage units only signal cloud-init-main.
        "local.service": "[Service]\nExecStart=/bin/sh -c 'echo \"start\" | nc.openbsd -Uu -W1 /run/cloud-init/share/local.sock -s0'\n",
        "gone.service": "[Service]\nExecStart=/usr/local/bin/cloud-init init\n",
        "init-script": "#!/bin/sh\nNAME=cloud-init\n$NAME init\n",
      },
    });
    expect(await startedProgram(guest, "/etc/main.service", ["cloud-init"])).toEqual({ path: "/usr/bin/cloud-init", found: true });
    expect(await startedProgram(guest, "/etc/gone.service", ["cloud-init"])).toEqual({ path: "/usr/local/bin/cloud-init", found: false });
    expect(await startedProgram(guest, "/etc/local.service", ["cloud-init"], false)).toBeNull();
    expect(await startedProgram(guest, "/etc/local.service", ["cloud-init"])).toEqual({ path: "/bin/sh", found: false });
    // A bare name is looked up in the PATH a shell and systemd use.
    expect(await startedProgram(guest, "/etc/init-script", ["cloud-init"])).toEqual({ path: "/usr/bin/cloud-init", found: true });
    expect(await startedProgram(guest, "/etc/missing", ["cloud-init"])).toBeNull();
  });

  it("follows a script to its interpreter (through env), and a Python package to Python's directories, a virtualenv's included", async () => {
    const guest = guestOf({
      usr: {
        bin: { "cloud-init": "#!/usr/bin/env python3\nfrom cloudinit.cmd.main import main\n", python3: ELF, tool: ELF },
        lib: { "python3.12": { "site-packages": { cloudinit: { "__init__.py": "" } } } },
      },
      opt: {
        venv: {
          bin: { python: ELF, "cloud-init": "#!/opt/venv/bin/python\n" },
          lib: { "python3.11": { "site-packages": { cloudinit: { "__init__.pyc": "" } } } },
        },
      },
    });
    expect(await interpreterOf(guest, "/usr/bin/cloud-init")).toEqual({ path: "/usr/bin/python3", found: true });
    expect(await interpreterOf(guest, "/usr/bin/tool")).toBeNull();
    expect(await pythonPackage(guest, "cloudinit", "/usr/bin/python3")).toBe("/usr/lib/python3.12/site-packages/cloudinit");
    expect(await pythonPackage(guest, "cloudinit", "/opt/venv/bin/python")).toBe("/usr/lib/python3.12/site-packages/cloudinit");
    const venvOnly = guestOf({ opt: { venv: { bin: { python: ELF }, lib: { "python3.11": { "site-packages": { cloudinit: { "__init__.py": "" } } } } } } });
    expect(await pythonPackage(venvOnly, "cloudinit", "/opt/venv/bin/python")).toBe("/opt/venv/lib/python3.11/site-packages/cloudinit");
    expect(await pythonPackage(venvOnly, "cloudinit", "/usr/bin/python3")).toBeNull();
  });
});
