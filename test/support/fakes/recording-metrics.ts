import type { MetricsPublisher } from '../../../functions/shared/metrics/metrics.ts';

export interface RecordedMetric {
  name: string;
  unit: string;
  value: number;
  dimensions: Record<string, string>;
}

/** Records what would be published, as CloudWatch would see it: name, unit, value, extra dimensions. */
export class RecordingMetrics implements MetricsPublisher {
  readonly published: RecordedMetric[] = [];
  private stored: RecordedMetric[] = [];

  addMetric(name: string, unit: string, value: number): void {
    this.stored.push({ name, unit, value, dimensions: {} });
  }

  singleMetric(): {
    addDimension(name: string, value: string): void;
    addMetric(name: string, unit: string, value: number): void;
  } {
    const dimensions: Record<string, string> = {};
    return {
      addDimension: (name, value) => {
        dimensions[name] = value;
      },
      // A single metric is written as soon as it is added.
      addMetric: (name, unit, value) => {
        this.published.push({ name, unit, value, dimensions });
      },
    };
  }

  hasStoredMetrics(): boolean {
    return this.stored.length > 0;
  }

  publishStoredMetrics(): void {
    this.published.push(...this.stored);
    this.stored = [];
  }
}
