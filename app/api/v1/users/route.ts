import { createUserOperation, listUsersOperation } from "@/lib/api/account-operations";
import { methodNotAllowed } from "@/lib/api/respond";
import { apiRoute } from "@/lib/api/route";
import { createAccount } from "@/lib/accounts/create";
import { listAccounts } from "@/lib/accounts/list";
import { db } from "@/lib/db/client";

export const GET = apiRoute(listUsersOperation, ({ actor, query }) => listAccounts(db(), actor, query));
export const POST = apiRoute(createUserOperation, ({ actor, body }) => createAccount(db(), actor, body));
export const PUT = methodNotAllowed(["GET", "POST"]);
export const PATCH = PUT;
export const DELETE = PUT;
