import type { ChoiceRule } from '../../choice';
import { choiceDefault } from '../flow';
import type { StateRunner } from '../pipeline';

/**
 * Choice: the first rule of `Choices` that matches names `Next`, else `Default`. A matching rule's
 * `Assign` (and, in JSONata, `Output`) replaces the state's own; JSONPath `Assign` reads the
 * effective input as `$`.
 */
export const choiceRunner: StateRunner<number> = {
  prepare(io) {
    io.choice = { matched: 'Default', next: '', rules: [] };
    return io.flow.choose(io.e, io.effective, io.choice.rules);
  },
  act(io, index) {
    const rule = (io.e.state.Choices as ChoiceRule[])[index];
    io.next = rule ? (rule.Next as string) : choiceDefault(io.e.state);
    // The rules copied to their length: the decision lives in the exit event, and a pushed array has room for 17.
    io.choice = { matched: rule ? index : 'Default', next: io.next, rules: io.choice!.rules.slice() };
    io.spec = { passThrough: true, output: rule?.Output, assign: rule?.Assign };
    return io.effective;
  },
};
