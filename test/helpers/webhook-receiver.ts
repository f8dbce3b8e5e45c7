// A tiny HTTP receiver for webhook tests: records every request it gets (headers and body) and
// answers with a status (and after a delay) the test can change at any time.
import { createServer, type IncomingMessage } from 'node:http';

/** One received request. */
export interface ReceivedHook {
  headers: IncomingMessage['headers'];
  body: string;
}

export interface TestWebhookReceiver {
  /** Where to post: http://127.0.0.1:<port>/hook */
  url: string;
  received: ReceivedHook[];
  /** The status of the next answers (200 unless given). */
  status: number;
  /** How long to wait before answering, in ms (0 unless given). */
  delayMs: number;
  /** Drops every connection and stops listening. */
  stop(): Promise<void>;
}

/** Starts the receiver on 127.0.0.1 on any free port. */
export async function startWebhookReceiver(options: { status?: number; delayMs?: number } = {}): Promise<TestWebhookReceiver> {
  const received: ReceivedHook[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      const answer = () => response.writeHead(receiver.status).end(receiver.status === 204 ? undefined : 'ok');
      if (receiver.delayMs > 0) setTimeout(answer, receiver.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const receiver: TestWebhookReceiver = {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    status: options.status ?? 200,
    delayMs: options.delayMs ?? 0,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return receiver;
}
