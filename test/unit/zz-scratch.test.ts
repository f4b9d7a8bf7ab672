import { evaluateExpression } from '../../engine/core/jsonata';
const host = { now: () => Date.UTC(2026,0,1), random: () => 0.5 };
test('scratch', async () => {
  const out: string[] = [];
  for (const [e, steps] of [['($f := function($n){$f($n)}; $f(1))', 50000], ['($f := function($n){$f($n)}; $f(1))', 100000], ['($f := function($n){$f($n)}; $f(1))', 20000], ['($f := function($n){$n = 0 ? 0 : $f($n - 1)}; $f(20000))', 1e9], ['$sum([1..20000].($ * 2))', 1e9]] as const) {
    const scope = { states: { input: {}, context: {} }, variables: {}, host, limits: { maxSteps: steps, maxDepth: 100000 } };
    const t = Date.now();
    try { out.push(`${e} => ${JSON.stringify(await evaluateExpression(e, scope, 'Output'))} ${Date.now()-t} ms`); } catch (err) { out.push(`${e} !! ${(err as Error).message.slice(0,300)} ${Date.now()-t} ms`); }
  }
  console.log(out.join('\n'));
}, 60000);
