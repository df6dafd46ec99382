// The one typed source of the chart: workloads, flows, switches and the exceptions they imply.
export * from './workloads.ts';
export * from './vocabulary.ts';
export * from './hardening.ts';
export { policies, baselinePolicies, componentPolicies } from './policies.ts';
export { valuesTree, cidrListPaths, defaultValues, leaves, mergeValues, type ValuesNode, type Leaf, type Group } from './values.ts';
export { activeExceptions, conditionHolds, type Values } from './exceptions.ts';
export { crossFieldViolations, type CrossFieldViolation } from './cross-field.ts';
export { switches, permutationCount, permutationOverride, permutationLabels, permutationValues, type Switch } from './permutations.ts';
