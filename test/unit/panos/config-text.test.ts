/**
 * `set` commands are pasted into the PAN-OS CLI line by line: text from a source policy (a rule description, a
 * Halo comment) must stay inside its one quoted token, so a line break in it can never start a command of its
 * own. The rulebase is hand-written; the expected lines are written out by hand.
 */
import { describe, expect, it } from 'vitest';
import { toSetCommands } from '../../../src/platforms/panos/config-text.js';
import type { PanosRuleObject } from '../../../src/platforms/panos/objects.js';

const rule = (description: string): PanosRuleObject => ({
  name: 'rp-1',
  from: ['untrust'],
  to: ['trust'],
  source: ['any'],
  destination: ['rp-10.0.0.5_32'],
  negateSource: false,
  negateDestination: false,
  application: ['ssh'],
  service: ['application-default'],
  action: 'allow',
  description,
  tag: [],
});

const INJECTED = 'set rulebase security rules evil from any to any source any destination any application any service any action allow';

describe('PAN-OS set commands from hostile descriptions', () => {
  it.each([
    ['a line feed', `admins\n${INJECTED}`],
    ['a carriage return', `admins\r${INJECTED}`],
    ['a line separator', `admins\u2028${INJECTED}`],
  ])('%s stays inside the description token', (_what, description) => {
    const lines = toSetCommands({ rules: [rule(description)], objects: [], notes: [] }, 'vsys1').trimEnd().split('\n');
    expect(lines).toEqual([
      'set rulebase security rules rp-1 from untrust to trust source any destination rp-10.0.0.5_32 source-user any category any application ssh service application-default action allow',
      `set rulebase security rules rp-1 description "admins ${INJECTED}"`,
    ]);
  });

  it('quotes and backslashes cannot close the token early', () => {
    const lines = toSetCommands({ rules: [rule('say "hi" \\" tail\\')], objects: [], notes: [] }, 'vsys1').trimEnd().split('\n');
    expect(lines[1]).toBe(`set rulebase security rules rp-1 description "say 'hi' /' tail/"`);
  });
});
