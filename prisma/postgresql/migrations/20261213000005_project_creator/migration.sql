-- AlterTable
ALTER TABLE "User" ADD COLUMN     "projectCreator" BOOLEAN NOT NULL DEFAULT false;
