import { resetUserPasswordOperation } from "@/lib/api/account-operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { resetPassword } from "@/lib/accounts/reset";
import { db } from "@/lib/db/client";

export const POST = apiRoute(resetUserPasswordOperation, ({ actor, params }) => resetPassword(db(), actor, params.userId));
export const GET = methodNotAllowed(["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
