// Test helper: renders a hono/jsx element to its HTML string.
import type { JSX } from 'hono/jsx/jsx-runtime';

/** Returns the HTML string of a rendered hono/jsx element. */
export async function renderHtml(element: JSX.Element): Promise<string> {
  return String(await element);
}
