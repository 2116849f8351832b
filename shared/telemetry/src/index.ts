import { startNodeSdk } from '@opentelemetry/sdk-node';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';

export interface TelemetryOptions {
  /** e.g. `products-catalog` */
  serviceName: string;
  /** The cell it belongs to; `edge` for gateway-global. */
  cell: string;
}

export interface Telemetry {
  shutdown(): Promise<void>;
}

/**
 * Start the OpenTelemetry Node SDK before the service's own modules load (main.ts imports them after
 * this call). Spans are exported over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set; the W3C
 * trace context is propagated either way, so logs and events carry trace ids.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (process.env.OTEL_SDK_DISABLED === 'true') return { shutdown: async () => {} };
  const exporting = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  process.env.OTEL_TRACES_EXPORTER ??= exporting ? 'otlp' : 'none';
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  process.env.OTEL_LOG_LEVEL ??= 'error';
  return startNodeSdk({
    resourceAttributes: {
      'service.name': options.serviceName,
      'service.namespace': options.cell,
      'cell.name': options.cell,
      'deployment.environment.name': process.env.DEPLOYMENT_ENVIRONMENT ?? 'local',
    },
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => req.url === '/healthz' || req.url === '/readyz' }),
      new UndiciInstrumentation(),
    ],
  });
}
