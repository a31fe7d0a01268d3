import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { bootstrapAccounts } from "../lib/accounts/bootstrap";
import type { CatalogDeps } from "../lib/catalog/deps";
import { nameColumns } from "../lib/catalog/image-name";
import { storeImageFile } from "../lib/catalog/register";
import { ensurePersonalProject } from "../lib/projects/personal";

/**
 * The first administrator (lib/accounts/bootstrap.ts) and, with HANGAR_DEMO=1, the demo user and a few
 * example images, for development, a local try and the end-to-end tests.
 */
export async function seed(deps: CatalogDeps, { bulk = 0 }: { bulk?: number } = {}): Promise<void> {
  const { admin, demo, notes } = await bootstrapAccounts(deps.db);
  for (const note of notes) console.log(`accounts: ${note}`);
  if (!admin || !demo) return;

  const seedDir = path.resolve("prisma/seed-images");
  const examples = [
    {
      owner: admin,
      visibility: "platform",
      name: "Debian 12 (bookworm)",
      file: "debian-12-genericcloud-amd64.qcow2",
      properties: {
        osType: "linux",
        osDistro: "debian",
        osVersion: "12",
        architecture: "x86_64",
        firmware: "uefi",
        minMemoryMiB: 1024,
        minDiskGiB: 2,
        description: "Debian 12 generic cloud image with cloud-init and the virtio drivers.",
      },
    },
    {
      owner: admin,
      visibility: "platform",
      name: "Ubuntu 24.04 LTS",
      file: "ubuntu-24.04-server-cloudimg-amd64.qcow2",
      properties: {
        osType: "linux",
        osDistro: "ubuntu",
        osVersion: "24.04",
        architecture: "x86_64",
        firmware: "uefi",
        minMemoryMiB: 2048,
        minDiskGiB: 4,
        description: "Ubuntu Server 24.04 LTS (Noble Numbat) cloud image.",
      },
    },
    {
      owner: admin,
      visibility: "platform",
      name: "RHEL 9",
      file: "rhel-9.3-x86_64-kvm.vmdk",
      properties: { osType: "linux", osDistro: "rhel", osVersion: "9.3", architecture: "x86_64", firmware: "uefi", minMemoryMiB: 1536, minDiskGiB: 10 },
    },
    {
      owner: demo,
      visibility: "private",
      name: "build-agent",
      file: "build-agent.qcow2",
      properties: {
        osType: "linux",
        osDistro: "debian",
        osVersion: "12",
        architecture: "x86_64",
        minMemoryMiB: 4096,
        properties: { team: "ci", hw_disk_bus: "virtio" },
      },
    },
    {
      owner: demo,
      visibility: "private",
      name: "postgres-16-golden",
      file: "debian-12-genericcloud-amd64.qcow2",
      properties: { osType: "linux", osDistro: "debian", osVersion: "12", architecture: "x86_64", minMemoryMiB: 2048 },
    },
  ] as const;

  if ((await deps.db.image.count()) === 0) {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-seed-"));
    for (const example of examples) {
      // The committed file stays; storage adopts a copy.
      const copy = path.join(scratch, example.file);
      fs.copyFileSync(path.join(seedDir, example.file), copy);
      const result = await storeImageFile(deps, {
        creator: example.owner,
        target: example.visibility === "platform" ? { visibility: "platform" } : { visibility: "private", projectId: null },
        name: example.name,
        filePath: copy,
        properties: example.properties,
      });
      if (!result.ok) throw new Error(`seeding ${example.name}: ${result.error.message}`);
    }
    fs.rmSync(scratch, { recursive: true, force: true });
    console.log(`images: ${examples.length} examples`);
  }

  if (bulk > 0) {
    // Records only, without bytes: enough to measure listing, search and paging at scale.
    const distros = ["debian", "ubuntu", "rhel", "almalinux", "fedora", "opensuse"];
    const formats = ["qcow2", "raw", "vmdk"];
    const demoProject = (await ensurePersonalProject(deps.db, demo)).id;
    const rows = Array.from({ length: bulk }, (_, i) => {
      const [visibility, createdById, projectId] = i % 2 === 0 ? (["platform", admin.id, null] as const) : (["private", demo.id, demoProject] as const);
      return {
        ...nameColumns(`bulk-image-${String(i).padStart(6, "0")}`, visibility, projectId),
        visibility,
        projectId,
        createdById,
        status: "ready",
        diskFormat: formats[i % formats.length],
        fileSize: BigInt(((i * 7919) % 4000) * 1024 * 1024 + 1),
        minMemoryMiB: 512 * (1 + (i % 8)),
        osType: "linux",
        osDistro: distros[i % distros.length],
      };
    });
    for (let i = 0; i < rows.length; i += 500) await deps.db.image.createMany({ data: rows.slice(i, i + 500) });
    console.log(`images: ${bulk} bulk records`);
  }
}
