#!/usr/bin/env node
// An SMTP server that accepts everything and keeps nothing, in its own
// process so it does not share the benchmark's event loop. Prints its port,
// then the number of messages accepted when it gets SIGTERM.
import { SMTPServer } from 'smtp-server';

let accepted = 0;
const each = process.argv.includes('--each');
const server = new SMTPServer({
  disabledCommands: ['STARTTLS', 'AUTH'],
  authOptional: true,
  logger: false,
  maxClients: 100,
  onData(stream, session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => {
      accepted++;
      if (each) process.stdout.write(`${Date.now()} ${session.envelope.rcptTo[0]?.address ?? ''}\n`);
      callback();
    });
  },
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.server.address().port}\n`));
process.on('SIGTERM', () => {
  process.stdout.write(`${accepted}\n`);
  server.close(() => process.exit(0));
});
