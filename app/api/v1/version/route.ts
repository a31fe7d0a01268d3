import { versionOperation } from "@/lib/api/operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { API_VERSION } from "@/lib/api/version";
import { CLI_DOWNLOAD_PATH, CLI_SHA256_PATH } from "@/lib/cli/install";
import { ok } from "@/lib/result";
import { HANGAR_VERSION } from "@/lib/version";

export const GET = apiRoute(versionOperation, () =>
  Promise.resolve(ok({ version: HANGAR_VERSION, apiVersion: API_VERSION, cli: { download: CLI_DOWNLOAD_PATH, sha256: CLI_SHA256_PATH } })),
);
export const POST = methodNotAllowed(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
