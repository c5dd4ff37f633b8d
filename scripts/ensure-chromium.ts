// `npm test`'s first step: the end-to-end tests drive Debian's Chromium (Playwright cannot download
// its own browsers here). Missing at the default path and running as root: install it with apt, as
// .ci/run did; otherwise stop with one line naming the command.
import { spawnSync } from "node:child_process";
import fs from "node:fs";

const DEFAULT = "/usr/bin/chromium";
const wanted = process.env.CHROMIUM_PATH || DEFAULT;
const present = () => {
  try {
    fs.accessSync(wanted, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

if (!present()) {
  const canInstall =
    wanted === DEFAULT && process.getuid?.() === 0 && fs.existsSync("/usr/bin/apt-get");
  if (canInstall) {
    console.log("Chromium is missing: installing it with apt-get…");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    spawnSync("apt-get", ["update"], { stdio: "inherit", env });
    spawnSync("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], {
      stdio: "inherit",
      env,
    });
  }
  if (!present()) {
    console.error(
      wanted === DEFAULT
        ? "Chromium is missing at /usr/bin/chromium: install it with `sudo apt-get install -y --no-install-recommends chromium`, or set CHROMIUM_PATH."
        : `Chromium is missing at CHROMIUM_PATH=${wanted}: point CHROMIUM_PATH at a Chromium, or unset it to use /usr/bin/chromium.`,
    );
    process.exit(1);
  }
}
