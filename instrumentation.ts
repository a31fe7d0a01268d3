import type { Instrumentation } from "next";
import { engineOutage } from "./lib/http/engine-outage";

/**
 * Next tells of an error thrown while rendering a page, an action or a route handler before it writes its error
 * answer: one that says an engine is away is noted for the request, whose 500 the server makes a 503 with
 * Retry-After (lib/http/engine-outage.ts).
 */
export const onRequestError: Instrumentation.onRequestError = (error) => {
  engineOutage(error);
};
