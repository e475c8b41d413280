import fs from "node:fs";
import { test } from "vitest";
import { startE2E } from "../e2e/browser.js";
test("explore", async () => {
  const e2e = await startE2E();
  const routes: [string, string][] = JSON.parse(process.env.R11_ROUTES ?? "[]");
  for (const [as, route] of routes) {
    const { context, page } = await e2e.open(as, route);
    await page.waitForLoadState("networkidle").catch(() => undefined);
    await page.waitForTimeout(1500);
    const dump = await page.evaluate(() => {
      const out: string[] = [];
      for (const el of Array.from(document.querySelectorAll("h1,h2,h3,button,a,label,input,select,textarea,table,[role=status],[role=alert],[data-testid],[role=grid],nav"))) {
        const h = el as HTMLElement;
        out.push(`${h.tagName.toLowerCase()}${h.dataset.testid ? "[" + h.dataset.testid + "]" : ""}${h.getAttribute("aria-label") ? "{" + h.getAttribute("aria-label") + "}" : ""}${(h as HTMLInputElement).name ? "(" + (h as HTMLInputElement).name + ")" : ""}${h.getAttribute("href") ? "<" + h.getAttribute("href") + ">" : ""}: ${(h.innerText ?? "").replace(/\s+/g, " ").slice(0, 80)}`);
      }
      return out.join("\n");
    });
    fs.writeFileSync(`/tmp/r11/${as.split("@")[0]}${route.replace(/[^a-z0-9]+/gi, "_")}.txt`, dump);
    await context.close();
  }
  await e2e.close();
}, 600_000);
