import { context, diag, DiagConsoleLogger, DiagLogLevel, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { detectResources, envDetector, hostDetector, processDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import { UrlRedactingProcessor } from './redact.ts';

export interface TelemetryOptions {
  /** e.g. `products-catalog` */
  serviceName: string;
  /** The cell it belongs to; `edge` for gateway-global. */
  cell: string;
  /**
   * Client spans for outgoing undici requests (default true). Gateways turn them off: their forwarder
   * passes its server span's context on itself, so the next hop's server span is its direct child.
   */
  httpClientSpans?: boolean;
}

export interface Telemetry {
  shutdown(): Promise<void>;
}

/**
 * Start OpenTelemetry before the service's own modules load (main.ts imports them after this call).
 *
 * Assembled from the SDK's parts rather than @opentelemetry/sdk-node, which brings every exporter and
 * protocol (gRPC, protobuf, a YAML configuration reader) into each of the thirteen processes: about
 * half of a bundle and a good share of its memory. What runs here, driven by the standard variables:
 * - traces: W3C trace context always propagated (so logs and events carry trace ids); spans recorded
 *   and exported over OTLP/HTTP only when OTEL_EXPORTER_OTLP_ENDPOINT is set (OTEL_TRACES_SAMPLER,
 *   default parent-based always-on), as protobuf unless OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL says
 *   `http/json` (protobuf is the protocol's default and a quarter of JSON's bytes);
 * - metrics: over OTLP beside the traces (OTEL_METRICS_EXPORTER may say `prometheus` only), and on a
 *   Prometheus listener of the process's own when OTEL_EXPORTER_PROMETHEUS_PORT is set (never published,
 *   never routed by a gateway);
 * - HTTP client spans and metrics (undici); the server side is the kernel's serverTelemetry middleware.
 * OTEL_SDK_DISABLED=true turns all of it off.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const env = process.env;
  if (env.OTEL_SDK_DISABLED === 'true') return { shutdown: async () => {} };
  diag.setLogger(
    new DiagConsoleLogger(),
    DiagLogLevel[(env.OTEL_LOG_LEVEL ?? 'ERROR').toUpperCase() as keyof typeof DiagLogLevel] ?? DiagLogLevel.ERROR,
  );

  const resource = resourceFromAttributes({
    'service.name': options.serviceName,
    'service.namespace': options.cell,
    'cell.name': options.cell,
    'deployment.environment.name': env.DEPLOYMENT_ENVIRONMENT ?? 'local',
  }).merge(detectResources({ detectors: [envDetector, processDetector, hostDetector] }));

  const otlp = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const batching = {
    scheduledDelayMillis: num('OTEL_BSP_SCHEDULE_DELAY'),
    maxQueueSize: num('OTEL_BSP_MAX_QUEUE_SIZE'),
    maxExportBatchSize: num('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
  };
  const tracerProvider = new TracerProvider({
    resource,
    // With nowhere to send spans, recording them is pure cost: not sampled, they still carry the
    // trace ids that logs and events pass on.
    sampler: otlp ? samplerFromEnv() : new AlwaysOffSampler(),
    // Redaction first: processors see a span in order, and the exporter only after it ended.
    spanProcessors: otlp ? [new UrlRedactingProcessor(), new BatchSpanProcessor({ exporter: traceExporterFromEnv(), ...batching })] : [],
  });

  const metricExporters = (env.OTEL_METRICS_EXPORTER ?? `${otlp ? 'otlp,' : ''}prometheus`).split(',').map((s) => s.trim());
  const readers: MetricReader[] = [];
  if (otlp && metricExporters.includes('otlp'))
    readers.push(
      new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: num('OTEL_METRIC_EXPORT_INTERVAL') }),
    );
  if (env.OTEL_EXPORTER_PROMETHEUS_PORT && metricExporters.includes('prometheus')) {
    readers.push(new PrometheusExporter({ host: env.OTEL_EXPORTER_PROMETHEUS_HOST, port: Number(env.OTEL_EXPORTER_PROMETHEUS_PORT) }));
  }
  const meterProvider = new MeterProvider({ resource, readers });

  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }));
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  // HTTP client spans and metrics (undici publishes on diagnostics channels, whatever imports it).
  // Server spans come from the kernel's Hono middleware (@retail/kernel serverTelemetry), which costs
  // a request half of what the generic node:http instrumentation does.
  if (options.httpClientSpans !== false)
    registerInstrumentations({ tracerProvider, meterProvider, instrumentations: [new UndiciInstrumentation()] });

  return {
    shutdown: async () => {
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
    },
  };
}

const num = (name: string): number | undefined => (process.env[name] ? Number(process.env[name]) : undefined);

/**
 * OTLP/HTTP with protobuf bodies unless the standard variables ask for JSON. Under load the JSON bodies
 * (~600 bytes a span) cost a gateway more to write than the spans cost to make.
 */
function traceExporterFromEnv(): OTLPJsonTraceExporter | OTLPProtobufTraceExporter {
  const protocol = process.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? process.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  return protocol === 'http/json' ? new OTLPJsonTraceExporter() : new OTLPProtobufTraceExporter();
}

/** OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG as the specification defines them; parent-based always-on by default. */
function samplerFromEnv(): Sampler {
  const ratio = new TraceIdRatioBasedSampler(num('OTEL_TRACES_SAMPLER_ARG') ?? 1);
  switch (process.env.OTEL_TRACES_SAMPLER) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
