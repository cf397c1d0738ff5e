import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { OBSERVABILITY_DIR, observabilityExpressions } from '../support/observability-config';

const file = (name: string) => resolve(OBSERVABILITY_DIR, name);
const yamlOf = (name: string): unknown => parse(readFileSync(file(name), 'utf8'));
const promtool = spawnSync('promtool', ['--version']).status === 0;

const ruleSchema = z.object({
  alert: z.string().regex(/^[A-Z][A-Za-z0-9]+$/),
  expr: z.string().min(1),
  for: z.string().regex(/^\d+[smh]$/),
  labels: z.object({ severity: z.enum(['warning', 'critical']) }),
  annotations: z.object({ summary: z.string().min(1) }),
});
const rulesSchema = z.object({ groups: z.array(z.object({ name: z.string(), rules: z.array(ruleSchema).min(1) })) });

/** deploy/observability: the Prometheus config, alert rules, Grafana dashboard and compose file users run. */
describe('deploy/observability', () => {
  it('has alert rules Prometheus accepts: the five the issue names, each with a severity and a summary', () => {
    const rules = rulesSchema.parse(yamlOf('alerts.yml'));
    const names = rules.groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(names).toEqual([
      'UltraQueueBacklogGrowing',
      'UltraProviderErrorRatioHigh',
      'UltraCircuitBreakerOpen',
      'UltraAnalysisP99Slow',
      'UltraSpendRateHigh',
    ]);
    if (!promtool) {
      console.warn(
        'promtool is not installed (Debian package prometheus): the rules were checked against a schema only',
      );
      return;
    }
    const checked = spawnSync('promtool', ['check', 'rules', file('alerts.yml')], { encoding: 'utf8' });
    expect({ status: checked.status, output: checked.stdout + checked.stderr }).toMatchObject({ status: 0 });
  });

  it('has a Prometheus config that loads the rules and scrapes every service', () => {
    const config = yamlOf('prometheus.yml') as {
      rule_files: string[];
      scrape_configs: { static_configs: { labels: { component: string } }[] }[];
    };
    expect(config.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
    const components = config.scrape_configs.flatMap((c) => c.static_configs.map((s) => s.labels.component));
    expect(components.sort()).toEqual(['gateway', 'orchestrator', 'provider-worker', 'results']);
    if (!promtool) return;
    const checked = spawnSync('promtool', ['check', 'config', '--syntax-only', file('prometheus.yml')], {
      encoding: 'utf8',
    });
    expect({ status: checked.status, output: checked.stdout + checked.stderr }).toMatchObject({ status: 0 });
  });

  it('has a compose file running Prometheus, Grafana and an OTLP collector, wired to these files', () => {
    const compose = yamlOf('docker-compose.yml') as {
      services: Record<string, { volumes?: string[]; ports?: string[] }>;
    };
    expect(Object.keys(compose.services).sort()).toEqual(['grafana', 'jaeger', 'prometheus']);
    expect(compose.services.prometheus.volumes).toEqual(
      expect.arrayContaining([
        './prometheus.yml:/etc/prometheus/prometheus.yml:ro',
        './alerts.yml:/etc/prometheus/alerts.yml:ro',
      ]),
    );
    expect(compose.services.jaeger.ports).toEqual(expect.arrayContaining(['4317:4317', '4318:4318']));
    for (const volume of [
      ...(compose.services.prometheus.volumes ?? []),
      ...(compose.services.grafana.volumes ?? []),
    ]) {
      // Every mounted file or folder exists beside the compose file.
      expect(() => readFileSync(file(volume.split(':')[0]), 'utf8')).not.toThrow(/ENOENT/);
    }
  });

  it('has a Grafana dashboard on the provisioned datasource, a query per panel', () => {
    const datasource = (yamlOf('grafana/provisioning/datasources/prometheus.yml') as { datasources: { uid: string }[] })
      .datasources[0].uid;
    const dashboard = JSON.parse(readFileSync(file('grafana/dashboards/ultra.json'), 'utf8')) as {
      uid: string;
      panels: { datasource: { uid: string }; targets: { expr: string }[] }[];
    };
    expect(dashboard.uid).toBe('ultra-overview');
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(12);
    for (const panel of dashboard.panels) {
      expect(panel.datasource.uid).toBe(datasource);
      expect(panel.targets.length).toBeGreaterThan(0);
    }
    // Which series these read is checked against a live scrape in metrics.e2e-spec.ts.
    expect(observabilityExpressions().length).toBe(5 + dashboard.panels.length);
  });
});
