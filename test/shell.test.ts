// Shell quoting: any spec value is one literal argument, whatever it contains.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { command, shellQuote, unless } from '../src/emit/shell.js';
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

test.run();
