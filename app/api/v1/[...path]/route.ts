import { apiError } from "@/lib/api/respond";

// Unknown paths under /api/v1 answer in the API's error shape, not with the portal's HTML 404 page.
const notFound = () => apiError("not_found", "There is no such API path. The OpenAPI document at /api/v1/openapi.json lists them all.", 404);

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
