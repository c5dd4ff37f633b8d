import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);
const EMBEDDED_PG_PORT = Number(process.env.E2E_PG_PORT ?? 54339);

// Debian's Chromium: Playwright cannot download its own browsers on these machines.
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  timeout: 30_000,
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath,
          args: [
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-quic",
          ],
        },
      },
    },
  ],
  // The built app on a fresh embedded PostgreSQL of its own: exactly what `npm start` does.
  webServer: {
    command: "rm -rf .data/e2e && node --import tsx server/start.ts",
    url: `http://localhost:${PORT}/healthz`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      PORT: String(PORT),
      PHSAR_DATA_DIR: ".data/e2e",
      EMBEDDED_PG_PORT: String(EMBEDDED_PG_PORT),
      NODE_ENV: "production",
      // Messages (sign-up links) are also written here, where the tests read them.
      NOTIFIER_DIR: ".data/e2e/messages",
    },
  },
});
