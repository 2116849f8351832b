// A stand-in for one of the system's processes, run by the supervisor tests as a real process:
// GET /readyz answers 200, POST /crash answers and then exits with code 1.
// CRASH_IF_FILE: exits with code 1 at start while that file exists (a process that keeps crashing).
// REQUIRES_URL: exits with code 1 at start unless that URL answers (a gateway started before its services).
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';

if (process.env.CRASH_IF_FILE && existsSync(process.env.CRASH_IF_FILE)) {
  console.error('crash file present: exiting');
  process.exit(1);
}
if (process.env.REQUIRES_URL) {
  const up = await fetch(process.env.REQUIRES_URL).then(
    (r) => r.ok,
    () => false,
  );
  if (!up) {
    console.error(`${process.env.REQUIRES_URL} does not answer: exiting`);
    process.exit(1);
  }
}

const server = createServer((req, res) => {
  if (req.url === '/readyz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ pid: process.pid }));
  } else if (req.url === '/crash' && req.method === 'POST') {
    res.end('bye', () => process.exit(1));
  } else {
    res.writeHead(404).end();
  }
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`listening on ${process.env.PORT}`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
