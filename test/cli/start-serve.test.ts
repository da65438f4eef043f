import { describe, expect, it } from 'vitest';
import { cliTarget, startCli } from '../support/cli.ts';
import { uniqueName } from '../support/db.ts';

describe('npm start (bin/comeback start)', () => {
  it('creates the demo on first run, prints a sign-in key, serves the API, stops cleanly on SIGTERM', async () => {
    const { args } = cliTarget(uniqueName('start'));
    const child = startCli([...args, 'start', '--port', '0']);
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => {
      err += d;
    });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /Comeback is running: (http:\/\/localhost:\d+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('close', (code) => reject(new Error(`start exited ${code} before serving: ${err}`)));
    });
    const token = /Demo sign-in key \(owner; shown once\): (\S+)/.exec(out)?.[1];
    expect(token).toMatch(/^cbk_/);
    try {
      // The web app (built by start when needed) at /, the API beside it.
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('<div id="root"');
      const doc = await fetch(`${url}/api/openapi.json`);
      expect(doc.status).toBe(200);
      expect(((await doc.json()) as { openapi: string }).openapi).toMatch(/^3\.1/);
      expect((await fetch(`${url}/api/customers`)).status).toBe(401);
      const list = await fetch(`${url}/api/customers?limit=5`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(list.status).toBe(200);
      const body = await list.json();
      expect(JSON.stringify(body)).toContain('"status"');
    } finally {
      const exited = new Promise<number | null>((r) => child.on('close', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
