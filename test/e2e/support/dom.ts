/**
 * The few browser globals the tests read inside `page.evaluate` callbacks. The test
 * tsconfig has Node types and no DOM lib, so callbacks cast `globalThis` to this:
 * `(globalThis as unknown as BrowserGlobals).sessionStorage` (the cast is erased before
 * Playwright sends the function to the page).
 */
interface BrowserStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface BrowserGlobals {
  sessionStorage: BrowserStorage;
  localStorage: BrowserStorage;
  document: {
    documentElement: { lang: string; scrollWidth: number };
    activeElement: { id: string } | null;
    querySelectorAll(selector: string): { length: number };
  };
}
