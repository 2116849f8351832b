import { pino, type Logger } from 'pino';
import { trace } from '@opentelemetry/api';

export type { Logger };

export interface LoggerOptions {
  name: string;
  level?: string;
  /** Human-readable lines for a developer's terminal; JSON otherwise. */
  pretty?: boolean;
  base?: Record<string, unknown>;
}

/** pino JSON logs; every line written inside a traced request or event carries trace_id/span_id. */
export function createLogger(options: LoggerOptions): Logger {
  return pino({
    name: options.name,
    level: options.level ?? 'info',
    base: options.base ?? {},
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
    transport: options.pretty
      ? { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } }
      : undefined,
  });
}
