-- CreateIndex
CREATE INDEX "Image_visibility_name_idx" ON "Image"("visibility", "name");
