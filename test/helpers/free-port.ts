// A TCP port nobody listens on right now, for servers that must be restarted on the same port.
import { createServer } from 'node:net';

/** Returns a free port on 127.0.0.1 (free when asked; take it soon). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}
