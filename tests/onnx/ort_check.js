// ONNX Runtime against libnnact: runs every DIR/<case>.onnx on the inputs of
// DIR/<case>.json and compares with libnnact's outputs there. "elementwise"
// cases (one activation over a grid): |ort - lib| <= tol |lib| + 1e-300;
// "column" cases (whole networks): |ort - lib| <= tol max|lib column| + 1e-300.
// Float models: |ort - lib| <= tol max(|lib|, 0.1) (the float's own rounding
// dominates near zero), outputs beyond float's range not compared.
// Prints each case's largest relative error; exit 1 if any is beyond its tol.
// Plain CommonJS and async/await: Debian 12's nodejs 18 runs it.
//   node ort_check.js DIR
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

// Non-finite inputs where an export is documented to differ from libnnact
// (docs/ONNX.md, "Non-finite inputs"): the composition's IEEE arithmetic
// gives NaN (-inf * 0, inf / inf) or a comparison with NaN picks 0. Every
// other non-finite input must give libnnact's result exactly.
const KNOWN = [
  [/^act_(silu|swish_beta|mish|gelu|gelu_tanh)_/, (x) => x === -Infinity],
  [/^act_bent_identity_double$/, (x) => x === -Infinity],
  [/^act_hard_swish_float$/, (x) => x === -Infinity],
  [/^act_softsign_/, (x) => x === Infinity || x === -Infinity],
  [/^act_(soft|hard)shrink_/, (x) => Number.isNaN(x)],
];
function known(name, x) {
  return KNOWN.some(([re, at]) => re.test(name) && at(x));
}

async function runCase(dir, file) {
  const c = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  const model = path.join(dir, file.replace(/\.json$/, '.onnx'));
  const session = await ort.InferenceSession.create(model, {logSeverityLevel: 3});
  const Arr = c.type === 'float32' ? Float32Array : Float64Array;
  // JSON has no NaN: null in x stands for it (1e999 parses as Infinity)
  const x = new ort.Tensor(c.type, Arr.from(c.x, (v) => (v === null ? NaN : v)), [c.batch, c.n_in]);
  const out = await session.run({x});
  const y = out.y.data;
  if (y.length !== c.y.length) throw new Error(`${c.name}: ${y.length} outputs, want ${c.y.length}`);
  const scale = new Array(c.n_out).fill(0);
  for (let i = 0; i < c.y.length; i++) scale[i % c.n_out] = Math.max(scale[i % c.n_out], Math.abs(c.y[i]));
  let worst = 0, worstAt = -1, documented = 0;
  for (let i = 0; i < y.length; i++) {
    const ref = c.y[i] === null ? NaN : c.y[i];
    if (c.mode === 'elementwise') {
      const xi = c.x[i] === null ? NaN : c.x[i];
      if (!Number.isFinite(xi) && known(c.name, xi) && !Object.is(y[i], ref)) { documented++; continue; }
    }
    const isFloat = c.type === 'float32';
    if (isFloat && Math.abs(ref) > 3.4e38) continue;
    let denom = c.mode === 'column' ? scale[i % c.n_out] : Math.abs(ref);
    if (isFloat) denom = Math.max(denom, 0.1);
    let err;
    if (Number.isNaN(ref) || Number.isNaN(y[i])) err = Number.isNaN(ref) && Number.isNaN(y[i]) ? 0 : Infinity;
    else if (ref === y[i]) err = 0;
    else err = (Math.abs(y[i] - ref) - 1e-300) / (denom || 1e-300);
    if (err > worst) { worst = err; worstAt = i; }
  }
  const at = worstAt < 0 ? '' : ` (x=${c.x[Math.floor(worstAt / c.n_out) * c.n_in]}, ort ${y[worstAt]}, lib ${c.y[worstAt]})`;
  return {name: c.name, worst, tol: c.tol, at, documented};
}

(async () => {
  const dir = process.argv[2];
  // which runtime a CI log's numbers come from (Debian 12's nodejs is 18)
  console.log(`ort_check.js: node ${process.version}, onnxruntime-node ${require('onnxruntime-node/package.json').version}`);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) { console.error(`ort_check.js: no cases in ${dir}`); process.exit(1); }
  let bad = 0;
  for (const f of files) {
    let r;
    try { r = await runCase(dir, f); } catch (e) { console.log(`FAIL ${f}: ${e.message}`); bad++; continue; }
    const ok = r.worst <= r.tol;
    if (!ok) bad++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(32)} max rel err ${r.worst.toExponential(2)} (tol ${r.tol})${r.documented ? `, ${r.documented} documented non-finite difference(s)` : ''}${ok ? '' : r.at}`);
  }
  console.log(`ort_check.js: onnxruntime-node ${require('onnxruntime-node/package.json').version}, ${files.length - bad} of ${files.length} cases within tolerance`);
  process.exit(bad ? 1 : 0);
})();
