/**
 * Everything lib/inspect reads goes through this interface, so the same code
 * inspects a file on the server, a File in the browser and bytes in a test,
 * and so a test can see every byte range the inspector asked for.
 */
export interface RandomAccessReader {
  /** Total length in bytes. */
  readonly size: number;
  /**
   * Up to `length` bytes starting at `offset`; shorter only at the end of the
   * data. Never reads outside [0, size).
   */
  read(offset: number, length: number): Promise<Uint8Array>;
}
