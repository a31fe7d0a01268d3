import { deleteUserOperation, getUserOperation, updateUserOperation } from "@/lib/api/account-operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { deleteAccount } from "@/lib/accounts/delete";
import { getAccount } from "@/lib/accounts/list";
import { updateAccount } from "@/lib/accounts/update";
import { catalogDeps } from "@/lib/catalog/runtime";
import { db } from "@/lib/db/client";

export const GET = apiRoute(getUserOperation, ({ actor, params }) => getAccount(db(), actor, params.userId));
export const PATCH = apiRoute(updateUserOperation, ({ actor, params, body }) => updateAccount(db(), actor, params.userId, body));
export const DELETE = apiRoute(deleteUserOperation, ({ actor, params, query }) => deleteAccount(catalogDeps(), actor, params.userId, query));
export const POST = methodNotAllowed(["GET", "PATCH", "DELETE"]);
export const PUT = POST;
