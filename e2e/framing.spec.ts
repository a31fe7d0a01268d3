import { expect, type Page, test } from "@playwright/test";

// Clickjacking: another site puts the portal in a frame and overlays its own buttons. The portal's
// pages say frame-ancestors 'none' (and X-Frame-Options: DENY), so the browser shows nothing.

const FOREIGN = "http://foreign-site.test";

async function frameFromForeignOrigin(page: Page, src: string) {
  await page.route(`${FOREIGN}/**`, (route) =>
    route.fulfill({ contentType: "text/html", body: `<!doctype html><title>Foreign</title><iframe src="${src}" width="800" height="600"></iframe>` }),
  );
  await page.goto(`${FOREIGN}/`);
  const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
  if (!frame) throw new Error("no iframe");
  await frame.waitForLoadState("domcontentloaded");
  return frame;
}

test("a page framed from another origin does not render", async ({ page, baseURL }) => {
  const frame = await frameFromForeignOrigin(page, `${baseURL}/signin`);
  await expect(frame.getByRole("button", { name: "Sign in" })).toHaveCount(0);
  expect(frame.url()).not.toBe(`${baseURL}/signin`);
});

test("the same harness renders a page that allows framing, so the check above can fail", async ({ page }) => {
  await page.route("http://frameable.test/**", (route) => route.fulfill({ contentType: "text/html", body: "<button>Sign in</button>" }));
  const frame = await frameFromForeignOrigin(page, "http://frameable.test/");
  await expect(frame.getByRole("button", { name: "Sign in" })).toHaveCount(1);
});
