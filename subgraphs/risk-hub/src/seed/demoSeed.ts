import { personScope, type DemoTenant, type RunningHubSubgraph } from '@hub/core';
import { Assessment } from '../assessments/assessment.entity';
import type { HazardInput } from '../hazards/hazardService';
import type { MeasureInput } from '../measures/measureService';
import type { RiskHubServices } from '../services';

interface DemoAssessment {
  title: string;
  scope: string;
  site: string;
  department: string;
  reviewInDays: number;
  submit: boolean;
  hazards: Array<HazardInput & { measures: Array<Omit<MeasureInput, 'dueDate'> & { dueInDays: number }> }>;
}

const DEMO_ASSESSMENTS: DemoAssessment[] = [
  {
    title: 'Warehouse forklift operations',
    scope: 'Loading, unloading and moving pallets with counterbalance forklifts in hall 2.',
    site: 'Hamburg logistics centre',
    department: 'Logistics',
    reviewInDays: 180,
    submit: true,
    hazards: [
      {
        description: 'Pedestrians struck by a reversing forklift in shared aisles',
        category: 'Mechanical',
        likelihood: 3,
        severity: 5,
        measures: [
          { description: 'Mark separate pedestrian walkways and install barriers at crossings', type: 'ENGINEERING', dueInDays: 30, residualLikelihood: 1, residualSeverity: 5 },
          { description: 'Blue-spot warning lights on all forklifts', type: 'ENGINEERING', dueInDays: 14 },
        ],
      },
      {
        description: 'Load falling from raised forks',
        category: 'Mechanical',
        likelihood: 2,
        severity: 4,
        measures: [{ description: 'Annual refresher training on load securing', type: 'ADMINISTRATIVE', dueInDays: 60 }],
      },
    ],
  },
  {
    title: 'Solvent handling in the paint shop',
    scope: 'Mixing and applying solvent-based coatings; storage of up to 200 l of thinners.',
    site: 'Hamburg plant',
    department: 'Production',
    reviewInDays: 90,
    submit: false,
    hazards: [
      {
        description: 'Inhalation of solvent vapours during mixing',
        category: 'Chemical',
        likelihood: 4,
        severity: 3,
        measures: [
          { description: 'Replace solvent-based primer with a water-based product', type: 'SUBSTITUTE', dueInDays: 120 },
          { description: 'Respirators with A2 filters for mixing work', type: 'PPE', dueInDays: -3 },
        ],
      },
      {
        description: 'Fire from ignition of vapours near electrical equipment',
        category: 'Fire',
        likelihood: 2,
        severity: 5,
        measures: [{ description: 'ATEX-rated extraction in the mixing room', type: 'ENGINEERING', dueInDays: 45 }],
      },
    ],
  },
  {
    title: 'Office workstations',
    scope: 'Screen work in the head office, including home-office days.',
    site: 'Berlin head office',
    department: 'Administration',
    reviewInDays: 365,
    submit: false,
    hazards: [
      {
        description: 'Musculoskeletal strain from non-adjustable desks',
        category: 'Ergonomic',
        likelihood: 3,
        severity: 2,
        measures: [{ description: 'Height-adjustable desks for all workstations', type: 'ENGINEERING', dueInDays: 90 }],
      },
    ],
  },
];

function daysFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A few realistic assessments for the demo tenant; skipped when the tenant already has any. */
export async function seedRiskHubDemo(running: RunningHubSubgraph<RiskHubServices>, tenant: DemoTenant): Promise<string> {
  const { assessments, hazards, measures } = running.services;
  return running.database.run(personScope(tenant.orgId, tenant.userId), async (unit) => {
    // Serializes concurrent seeds of the same tenant (two dev stacks on one database).
    await unit.manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`risk-hub-demo-seed:${tenant.orgId}`]);
    const existing = await unit.manager.count(Assessment);
    if (existing > 0) return `existing (${existing} assessments)`;
    for (const demo of DEMO_ASSESSMENTS) {
      const assessment = await assessments.create(unit, {
        title: demo.title,
        scope: demo.scope,
        site: demo.site,
        department: demo.department,
        reviewDueDate: daysFromNow(demo.reviewInDays),
      });
      for (const { measures: planned, ...hazardInput } of demo.hazards) {
        const hazard = await hazards.add(unit, assessment.id, hazardInput);
        for (const { dueInDays, ...measure } of planned) {
          await measures.add(unit, hazard.id, { ...measure, dueDate: daysFromNow(dueInDays) });
        }
      }
      if (demo.submit) await assessments.submit(unit, assessment.id);
    }
    return `created ${DEMO_ASSESSMENTS.length} assessments`;
  });
}
