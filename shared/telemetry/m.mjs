const t0 = Date.now();
const base = process.memoryUsage().rss;
await import(process.argv[2]);
console.log(process.argv[2], Math.round(base / 1048576), '->', Math.round(process.memoryUsage().rss / 1048576), 'MB', Date.now() - t0, 'ms');
