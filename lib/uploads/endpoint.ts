/** The tus endpoint: POST creates an upload; HEAD, PATCH and DELETE act on `${UPLOAD_PATH}/<id>`. */
export const UPLOAD_PATH = "/api/v1/uploads";
