// A listener that must never be contacted: any TCP connection to it is recorded (and closed at once),
// so a test can prove that nothing the ApplicationSet input, a webhook or a registry reply says makes
// the service reach a host the config does not name.
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface Tripwire {
  /** 127.0.0.1:PORT */
  readonly host: string;
  readonly url: string;
  /** Connections received so far. */
  connections(): number;
  stop(): Promise<void>;
}

export async function startTripwire(): Promise<Tripwire> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    count += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    url: `http://${host}`,
    connections: () => count,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
