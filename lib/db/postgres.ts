import { PrismaPg } from "@prisma/adapter-pg";

/** Prisma's driver adapter on a pool of connections to `url`. */
export function postgresAdapter(url: string): PrismaPg {
  return new PrismaPg({ connectionString: url });
}
