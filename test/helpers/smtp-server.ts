// A tiny SMTP server for tests: speaks enough of RFC 5321 (EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT,
// DATA, RSET, NOOP, QUIT) for nodemailer, and records every message it accepts.
import { createServer, type Server, type Socket } from 'node:net';

/** One accepted message. */
export interface ReceivedMail {
  from: string;
  to: string[];
  /** The raw message (headers and body) as sent, dot-stuffing undone. */
  data: string;
  /** The credentials given with AUTH, if any. */
  auth?: { username: string; password: string };
}

export interface TestSmtpServer {
  port: number;
  messages: ReceivedMail[];
  /** Answer the next DATA with this error code (e.g. 451) instead of accepting it. */
  failNextData(code: number): void;
  /** Stop listening and drop every connection (the server is "down"); start() brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Starts the server on 127.0.0.1 (a given port, or any free one). */
export async function startSmtpServer(options: { port?: number } = {}): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const sockets = new Set<Socket>();
  let failCode: number | null = null;
  let server: Server | null = null;
  let port = options.port ?? 0;

  function handle(socket: Socket): void {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setEncoding('utf8');
    let buffer = '';
    let mode: 'command' | 'data' | 'auth-login-user' | 'auth-login-pass' = 'command';
    let from = '';
    let to: string[] = [];
    let auth: ReceivedMail['auth'];
    let loginUser = '';
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 test-smtp ESMTP ready');

    const command = (line: string) => {
      const upper = line.toUpperCase();
      if (mode === 'auth-login-user') {
        loginUser = Buffer.from(line, 'base64').toString('utf8');
        mode = 'auth-login-pass';
        return reply(`334 ${Buffer.from('Password:').toString('base64')}`);
      }
      if (mode === 'auth-login-pass') {
        auth = { username: loginUser, password: Buffer.from(line, 'base64').toString('utf8') };
        mode = 'command';
        return reply('235 2.7.0 Authentication successful');
      }
      if (upper.startsWith('EHLO')) return socket.write('250-test-smtp\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
      if (upper.startsWith('HELO')) return reply('250 test-smtp');
      if (upper.startsWith('AUTH PLAIN')) {
        const encoded = line.split(' ')[2];
        if (!encoded) return reply('501 5.5.2 need the credentials inline');
        const [, username = '', password = ''] = Buffer.from(encoded, 'base64').toString('utf8').split('\0');
        auth = { username, password };
        return reply('235 2.7.0 Authentication successful');
      }
      if (upper.startsWith('AUTH LOGIN')) {
        mode = 'auth-login-user';
        return reply(`334 ${Buffer.from('Username:').toString('base64')}`);
      }
      if (upper.startsWith('MAIL FROM:')) {
        from = /<([^>]*)>/.exec(line)?.[1] ?? '';
        to = [];
        return reply('250 2.1.0 OK');
      }
      if (upper.startsWith('RCPT TO:')) {
        to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
        return reply('250 2.1.5 OK');
      }
      if (upper === 'DATA') {
        mode = 'data';
        return reply('354 End data with <CR><LF>.<CR><LF>');
      }
      if (upper === 'RSET') {
        from = '';
        to = [];
        return reply('250 2.0.0 OK');
      }
      if (upper === 'NOOP') return reply('250 2.0.0 OK');
      if (upper === 'QUIT') {
        reply('221 2.0.0 Bye');
        return socket.end();
      }
      return reply('502 5.5.2 Command not recognised');
    };

    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (mode === 'data') {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const data = buffer.slice(0, end).replace(/^\.\./gm, '.');
          buffer = buffer.slice(end + 5);
          mode = 'command';
          if (failCode !== null) {
            const code = failCode;
            failCode = null;
            reply(`${code} 4.3.0 Try again later`);
          } else {
            messages.push({ from, to, data, auth });
            reply('250 2.0.0 OK queued');
          }
          continue;
        }
        const newline = buffer.indexOf('\r\n');
        if (newline < 0) return;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        command(line);
      }
    });
  }

  async function start(): Promise<void> {
    const next = createServer(handle);
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    const address = next.address();
    if (typeof address === 'object' && address) port = address.port;
    server = next;
  }

  async function stop(): Promise<void> {
    const current = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  }

  await start();
  return {
    get port() {
      return port;
    },
    messages,
    failNextData(code) {
      failCode = code;
    },
    stop,
    start,
  };
}
