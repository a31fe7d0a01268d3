import { meOperation } from "@/lib/api/operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { ok } from "@/lib/result";

export const GET = apiRoute(meOperation, ({ auth: { actor, ...auth } }) =>
  Promise.resolve(ok({ id: actor.id, email: actor.email, name: actor.name, role: actor.role, via: auth.via, token: auth.via === "token" ? auth.token : null })),
);
export const POST = methodNotAllowed(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
