import type { ImportDeps } from "../imports/deps";

/** What the Glance API needs: the import side's dependencies (its data goes where uploads and imports go; web-download is an import), and two places. */
export interface GlanceDeps extends ImportDeps {
  /** Where a PUT's bytes land as they stream in, before the upload area receives them whole: private to Hangar, on the data directory's file system. */
  stagingDir: string;
  /** The portal's public address (lib/http/public-url.ts), for the links to validation reports. */
  portal: string;
}
