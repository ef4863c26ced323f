/** Types for scripts/chromium.js, so the TypeScript test harness can use it. */

/** Returns the Chromium to drive, installing Debian's package first when it is missing. */
export function ensureChromium(): string;

/** THOUGHTLY_CHROMIUM, or Debian's /usr/bin/chromium. */
export function chromiumPath(): string;

/** The browser's version line. */
export function chromiumVersion(path: string): string;
