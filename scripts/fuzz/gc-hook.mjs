// Preloaded into the server that `npm run fuzz` spawns (with --expose-gc), for measurement only:
// SIGUSR2 runs a full garbage collection, so the RSS read afterwards shows memory still held, not
// garbage V8 has not yet returned.
process.on('SIGUSR2', () => globalThis.gc?.());
