import { afterAll } from "vitest";
import { fileReader } from "../../testing/file-reader";
import type { FixtureFamily } from "../../testing/fixtures";

/** Opens files of a fixture family as readers, all closed after the test file. */
export function fixtureReaders(family: FixtureFamily, suffix = ""): (name: string) => ReturnType<typeof fileReader> {
  const readers: { close(): void }[] = [];
  afterAll(() => readers.forEach((r) => r.close()));
  return (name) => {
    const file = fileReader(family.file(`${name}${suffix}`));
    readers.push(file);
    return file;
  };
}
