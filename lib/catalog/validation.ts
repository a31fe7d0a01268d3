import type { CatalogDeps } from "./deps";

/**
 * Starts validating a stored image off the request path. Until the upload
 * pipeline lands its inspection queue, a stored image is taken as ready.
 */
export async function scheduleValidation(deps: CatalogDeps, imageId: string): Promise<void> {
  await deps.db.image.update({ where: { id: imageId }, data: { status: "ready", validationProgress: 100 } });
}
