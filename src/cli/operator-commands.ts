import { addOperator, listOperators, removeOperator } from '../registry/people.js';
import { type CommandContext, printJson } from './context.js';
import { withRegistry } from './registry-commands.js';

/** `leakwatch operator add EMAIL`: the person sees every organisation on the dashboard (idempotent). */
export function operatorAddCommand(context: CommandContext, email: string): Promise<number> {
  return withRegistry(context, (db) => {
    const person = addOperator(db, email, context.actor);
    if (context.options.json) printJson(context.io, person);
    else context.io.stdout.write(`${person.email} is an operator: signed in to the dashboard, they see every organisation\n`);
    return 0;
  });
}

/** `leakwatch operator remove EMAIL`: the operator role only; their roles in organisations stay. */
export function operatorRemoveCommand(context: CommandContext, email: string): Promise<number> {
  return withRegistry(context, (db) => {
    const person = removeOperator(db, email, context.actor);
    if (context.options.json) printJson(context.io, person);
    else context.io.stdout.write(`${person.email} is no longer an operator (their roles in organisations stay)\n`);
    return 0;
  });
}

export function operatorListCommand(context: CommandContext): Promise<number> {
  return withRegistry(context, (db) => {
    const operators = listOperators(db);
    if (context.options.json) printJson(context.io, operators);
    else context.io.stdout.write(`${(operators.length ? operators.map((o) => `${o.email}\tsince ${o.createdAt}${o.lastSignInAt ? `\tlast signed in ${o.lastSignInAt}` : ''}`) : ['no operators']).join('\n')}\n`);
    return 0;
  });
}
