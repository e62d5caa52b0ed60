// Times AWS's CloudFormation Validate engine, which aws-cdk-lib runs inside `app.synth()` (context
// @aws-cdk/core:validateAgainstDefaultRules): its start-up, then each template of a cloud assembly, with the options
// aws-cdk-lib 2.271.0 passes. Usage: node bench/cfn-validate-cost.js cdk.out
// The module comes from aws-cdk-lib's bundled dependencies in the jsii package cache (filled by any synth).
const fs = require('fs');
const path = require('path');
const os = require('os');

const root = process.env.JSII_RUNTIME_PACKAGE_CACHE_ROOT
  || path.join(os.homedir(), '.cache', 'aws', 'jsii', 'package-cache');
const base = path.join(root, 'aws-cdk-lib', '2.271.0');
const hash = fs.readdirSync(base).find(d => fs.existsSync(path.join(base, d, 'node_modules', '@aws',
  'cloudformation-validate')));
if (!hash) {
  console.error(`no @aws/cloudformation-validate under ${base}; run a synth first`);
  process.exit(2);
}
const t0 = process.hrtime.bigint();
const cfn = require(path.join(base, hash, 'node_modules', '@aws', 'cloudformation-validate'));
const engine = new cfn.CompositeEngine();
const t1 = process.hrtime.bigint();
const ms = (a, b) => Number(b - a) / 1e6;
console.log(`engine_start_ms ${ms(t0, t1).toFixed(0)}`);
const dir = process.argv[2] || 'cdk.out';
let total = 0;
for (const f of fs.readdirSync(dir).filter(n => n.endsWith('.template.json')).sort()) {
  const s = process.hrtime.bigint();
  engine.validateTemplate(new cfn.TemplateFile(path.join(dir, f)), { detailLevel: 'STANDARD', severityLevel: 'WARN' });
  const t = ms(s, process.hrtime.bigint());
  total += t;
  console.log(`${f}_ms ${t.toFixed(0)}`);
}
console.log(`templates_total_ms ${total.toFixed(0)}`);
