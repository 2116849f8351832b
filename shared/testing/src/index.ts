export { freePort, waitFor, json } from './ports.ts';
export { tempDir, type TempDir } from './tempdir.ts';
export { realProcess, type RealProcess, type ProcessSpec } from './process.ts';
export { startTestNats, type TestNats } from './nats.ts';
export { internalTestTokens, type TestTokens } from './tokens.ts';
export { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan, type ReceivedMetric } from './otlp.ts';
export { OPERATOR } from './viewers.ts';
export { appCaller, type CallOptions } from './app-caller.ts';
export { standInServers, type StandInServers } from './stand-in-servers.ts';
