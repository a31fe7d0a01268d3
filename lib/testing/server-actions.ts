import fs from "node:fs";
import path from "node:path";

/** The id Next gave a server action in the production build (its server reference manifest), by the action's exported name. */
export function actionId(name: string, root = process.cwd()): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, ".next/server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { exportedName?: string }>;
  };
  const id = Object.entries(manifest.node).find(([, entry]) => entry.exportedName === name)?.[0];
  if (!id) throw new Error(`no server action named ${name} in the build`);
  return id;
}

/** Calls a server action as the portal does: a POST to a page naming the action, its arguments as one JSON text. */
export function callAction(url: string, page: string, name: string, args: unknown[], headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}${page}`, {
    method: "POST",
    headers: { "next-action": actionId(name), "content-type": "text/plain;charset=UTF-8", accept: "text/x-component", ...headers },
    body: JSON.stringify(args),
  });
}
