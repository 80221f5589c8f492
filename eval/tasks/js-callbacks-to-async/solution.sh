cat > notes.js <<'JS'
'use strict';
// Notes kept one per line in a text file.
const fs = require('fs/promises');

async function listNotes(file) {
  try {
    return (await fs.readFile(file, 'utf8')).split('\n').filter(Boolean);
  } catch (err) {
    if (err.code === 'ENOENT') return [];
    throw err;
  }
}

async function addNote(file, note) {
  if (typeof note !== 'string' || note.trim() === '' || note.includes('\n')) {
    throw new Error('a note is one non-empty line');
  }
  const notes = await listNotes(file);
  notes.push(note.trim());
  await fs.writeFile(file, notes.join('\n') + '\n');
  return notes.length;
}

async function removeNote(file, index) {
  const notes = await listNotes(file);
  if (!Number.isInteger(index) || index < 0 || index >= notes.length) {
    throw new RangeError(`no note ${index}`);
  }
  const [removed] = notes.splice(index, 1);
  await fs.writeFile(file, notes.map((n) => n + '\n').join(''));
  return removed;
}

module.exports = { addNote, listNotes, removeNote };
JS
cat > test/notes.test.js <<'JS'
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const os = require('os');
const path = require('path');
const fs = require('fs');
const notes = require('../notes');

const file = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'notes-')), 'notes.txt');

test('add then list', async () => {
  const f = file();
  assert.strictEqual(await notes.addNote(f, 'first'), 1);
  assert.deepStrictEqual(await notes.listNotes(f), ['first']);
});

test('remove returns the note', async () => {
  const f = file();
  await notes.addNote(f, 'a');
  await notes.addNote(f, 'b');
  assert.strictEqual(await notes.removeNote(f, 0), 'a');
});
JS
