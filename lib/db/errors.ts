/** Prisma's error for a write that a unique index refused (P2002), on either database. */
export const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === "P2002";

/** Prisma's error for an update or delete whose row is not there (P2025): another request removed it meanwhile. */
export const isRecordGone = (error: unknown) => (error as { code?: string } | null)?.code === "P2025";
