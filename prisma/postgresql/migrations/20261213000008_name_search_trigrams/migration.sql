-- The catalog's name search is "nameKey" ILIKE '%text%', which no B-tree index serves: a trigram index does
-- (docs/decisions.md, "The catalog at a million images"). pg_trgm ships with PostgreSQL (Debian's postgresql
-- package, postgresql-contrib elsewhere) and is a trusted extension: the database's owner may create it, no
-- superuser needed. IF NOT EXISTS: an administrator may have created it beforehand.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "Image_nameKey_trgm_idx" ON "Image" USING GIN ("nameKey" gin_trgm_ops);
