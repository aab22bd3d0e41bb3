// Shell quoting: any spec value is one literal argument, whatever it contains.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { command, heredocAssignment, shellQuote, shellVar, unless } from '../src/format/shell.js';
import { run } from './support/tools.js';

const hostile = ['plain', 'with space', "it's", '$(touch /tmp/pwned)', '`id`', 'a;b|c&d', 'new\nline', '"dq"', '', '--flag', '*', '~root', '$HOME', '\\'];

test('shellQuote: bash reads every value back unchanged, runs nothing', () => {
  for (const value of hostile) {
    const r = run('bash', ['-c', `printf '%s' ${shellQuote(value)}`]);
    assert.is(r.code, 0, value);
    assert.is(r.stdout, value, JSON.stringify(value));
  }
});

test('command: wraps long commands with flags kept next to their values', () => {
  const text = command('gcloud', 'iam', 'service-accounts', 'add-iam-policy-binding', 'x@p.iam.gserviceaccount.com', '--project', 'p', '--role', 'roles/iam.workloadIdentityUser', '--member', 'serviceAccount:p.svc.id.goog[ns/sa]');
  assert.fixture(
    text,
    `gcloud iam service-accounts add-iam-policy-binding x@p.iam.gserviceaccount.com \\
    --project p \\
    --role roles/iam.workloadIdentityUser \\
    --member 'serviceAccount:p.svc.id.goog[ns/sa]'`,
  );
  const r = run('bash', ['-c', `set -- ${text.replace(/\\\n/g, '\\\n')}; printf '%s\\n' "$@"`]);
  assert.is(r.stdout.split('\n').length - 1, 11);
});

test('unless: runs the action only when the probe fails', () => {
  const yes = run('bash', ['-c', unless('true', 'echo created')]);
  const no = run('bash', ['-c', unless('false', 'echo created')]);
  assert.is(yes.stdout, '');
  assert.is(no.stdout, 'created\n');
});

test('command: a script variable is one argument whose value is never re-parsed', () => {
  assert.is(command('aws', 'iam', 'put-role-policy', '--policy-document', shellVar('policy')), 'aws iam put-role-policy --policy-document "$policy"');
  const r = run('bash', ['-c', `policy='a b $(c)'; set -- ${command('x', shellVar('policy'))}; printf '%s\\n' "$@"`]);
  assert.is(r.stdout, 'x\na b $(c)\n');
  assert.throws(() => shellVar('1bad'), /not a shell variable name/);
});

test('heredocAssignment: the document reaches the variable byte for byte, nothing expands', () => {
  const doc = JSON.stringify({ a: "it's $(touch /tmp/pwned) `id` ${HOME}", b: ['\\', '"'] }, null, 2);
  const script = `${heredocAssignment('doc', doc)}\nprintf '%s' "$doc"`;
  const r = run('bash', ['-c', script]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, doc);
  assert.throws(() => heredocAssignment('doc', 'x\nJSON\ny'), /delimiter/);
});

test.run();
