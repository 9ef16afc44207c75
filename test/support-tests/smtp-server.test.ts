// The test SMTP server itself: a client that dies mid-conversation (the fault
// tests SIGKILL the daemon while it sends) must not crash the test process.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startSmtpServer } from '../support/smtp-server.js';

describe('the test SMTP server', () => {
  it('outlives a client that resets its connection in the middle of a message', async () => {
    const smtp = await startSmtpServer();
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      // Several of them: a kill loop resets a connection each time.
      for (let i = 0; i < 3; i++) {
        const socket = connect(smtp.port, '127.0.0.1');
        await new Promise<void>((resolve) => socket.once('data', () => resolve()));
        socket.write('EHLO client.test\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\nSubject: half\r\n');
        await new Promise((resolve) => setTimeout(resolve, 100));
        socket.resetAndDestroy();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(uncaught).toEqual([]);
      expect(smtp.received).toEqual([]);
    } finally {
      process.off('uncaughtException', record);
      await smtp.close();
    }
  });
});
