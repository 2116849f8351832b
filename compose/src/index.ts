export { planSystem, repoRoot, cellNames, type ProcessPlan, type PlanOptions } from './plan.ts';
