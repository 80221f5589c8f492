set -euo pipefail
node --test test/
cat > /tmp/eval-notes-$$.test.js <<'JS'
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const os = require('os');
const path = require('path');
const fs = require('fs');
const notes = require(process.env.NOTES_MODULE);

const file = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'notes-')), 'notes.txt');

test('every export is promise-based and takes no callback', () => {
  assert.strictEqual(notes.listNotes.length, 1);
  assert.strictEqual(notes.addNote.length, 2);
  assert.strictEqual(notes.removeNote.length, 2);
  const p = notes.listNotes(file());
  assert.ok(p instanceof Promise, 'listNotes returns a Promise');
  return p;
});

test('behaviour is kept', async () => {
  const f = file();
  assert.deepStrictEqual(await notes.listNotes(f), []);
  assert.strictEqual(await notes.addNote(f, ' one '), 1);
  assert.strictEqual(await notes.addNote(f, 'two'), 2);
  assert.deepStrictEqual(await notes.listNotes(f), ['one', 'two']);
  assert.strictEqual(await notes.removeNote(f, 1), 'two');
  assert.strictEqual(fs.readFileSync(f, 'utf8'), 'one\n');
  await assert.rejects(notes.addNote(f, 'a\nb'), /one non-empty line/);
  await assert.rejects(notes.removeNote(f, 5), (e) => e instanceof RangeError && /no note 5/.test(e.message));
  await assert.rejects(notes.listNotes(path.dirname(f)), (e) => e.code === 'EISDIR');
});
JS
NOTES_MODULE="$PWD/notes.js" node --test /tmp/eval-notes-$$.test.js
rm -f /tmp/eval-notes-$$.test.js
if grep -nE 'callback|\bcb\b' notes.js; then echo "callbacks are left in notes.js"; exit 1; fi
