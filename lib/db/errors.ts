/** Prisma's error for a write that a unique index refused (P2002), on either database. */
export const isUniqueViolation = (error: unknown) => (error as { code?: string } | null)?.code === "P2002";
