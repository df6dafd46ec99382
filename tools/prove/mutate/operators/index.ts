// Every mutation operator, one family per file.
import type { Doc, Mutant } from '../types.ts';
import { changePort, changeProtocol, dropPort } from './ports.ts';
import { dropNamespaceSelector, dropSelector, emptySelector, widenCidr } from './peers.ts';
import { changeLabelValue, deletePolicy, removeEgressType } from './policies.ts';
import { addEmptyRule, dropRule, swapIngressEgress } from './rules.ts';

export const operators: ((docs: Doc[]) => Mutant[])[] = [
  dropRule, addEmptyRule, swapIngressEgress,
  dropPort, changePort, changeProtocol,
  widenCidr, emptySelector, dropSelector, dropNamespaceSelector,
  removeEgressType, deletePolicy, changeLabelValue,
];

export function allMutants(docs: Doc[]): Mutant[] {
  return operators.flatMap((op) => op(docs));
}
