import { BookOpen, Download, Terminal } from "lucide-react";
import { CLI_DOWNLOAD_PATH, CLI_SHA256_PATH, installCommand, loginCommand, verifyCommand } from "@/lib/cli/install";
import { CommandBlock } from "../ui/command-block";

/** How to install `hangar` from this portal and use it, with the portal's own address filled in. */
export function CliSection({ origin, version, apiVersion, built }: { origin: string; version: string; apiVersion: string; built: boolean }) {
  return (
    <section aria-labelledby="cli-title" className="space-y-3 rounded-xl border border-slate-200 bg-white p-5 text-sm text-slate-600 shadow-sm">
      <h2 id="cli-title" className="flex items-center gap-2 text-base font-semibold text-slate-900">
        <Terminal className="size-4" /> Command line: hangar
      </h2>
      <p>
        Upload, download and manage images from a terminal or a pipeline. <code className="font-mono text-xs">hangar</code> {version} (API {apiVersion}) is one
        file for Node.js 20 or later, with nothing else to install. Download it from this portal, then log in with a token created above (paste it when asked):
      </p>
      {built ? (
        <CommandBlock commands={[installCommand(origin), loginCommand(origin)]} label="Copy install commands" testId="cli-install" />
      ) : (
        <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-amber-900 ring-1 ring-inset ring-amber-200">
          This server has no build of hangar to download yet: its administrator runs <code className="font-mono text-xs">npm run build</code>.
        </p>
      )}
      <p>Check the download against this portal&apos;s SHA-256, and turn on completion in bash (for zsh: hangar completion zsh):</p>
      <CommandBlock commands={[verifyCommand(origin), "echo 'source <(hangar completion bash)' >> ~/.bashrc"]} label="Copy check and completion commands" />
      <div className="grid gap-4 pt-2 lg:grid-cols-2">
        <div className="space-y-2">
          <p>Then, for example:</p>
          <pre className="rounded-md bg-slate-900 px-3 py-2 font-mono text-xs leading-relaxed break-all whitespace-pre-wrap text-slate-100">{`hangar images ls
hangar upload disk.qcow2 --name my-image --wait
hangar download IMAGE_ID -o disk.qcow2
hangar images show IMAGE_ID --output json`}</pre>
        </div>
        <div className="space-y-2">
          <p>
            Uploads resume after Ctrl-C or a dropped connection; downloads resume and verify the checksum. The REST API lives under{" "}
            <code className="font-mono text-xs">/api/v1</code>; send the token as <code className="font-mono text-xs">Authorization: Bearer hgr_…</code>.
          </p>
          <p className="flex flex-wrap gap-x-4 gap-y-1">
            <a href={CLI_DOWNLOAD_PATH} className="inline-flex items-center gap-1.5 font-medium text-brand-700 hover:text-brand-800">
              <Download className="size-4" /> Download hangar
            </a>
            <a href={CLI_SHA256_PATH} className="inline-flex items-center gap-1.5 font-medium text-brand-700 hover:text-brand-800">
              Its SHA-256
            </a>
            <a href="/api/v1/openapi.json" className="inline-flex items-center gap-1.5 font-medium text-brand-700 hover:text-brand-800">
              <BookOpen className="size-4" /> OpenAPI document
            </a>
          </p>
        </div>
      </div>
    </section>
  );
}
