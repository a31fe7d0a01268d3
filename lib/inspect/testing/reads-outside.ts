/** Reads that started outside [0, size): the inspector must never ask for them. */
export const readsOutside = (reads: { offset: number; length: number }[], size: number) =>
  reads.filter((read) => !Number.isSafeInteger(read.offset) || read.offset < 0 || read.offset >= size);
