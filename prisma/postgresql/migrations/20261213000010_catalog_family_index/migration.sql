-- CreateIndex
CREATE INDEX "Image_visibility_family_idx" ON "Image"("visibility", "family");
