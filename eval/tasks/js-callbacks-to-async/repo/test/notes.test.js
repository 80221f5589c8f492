'use strict';
const test = require('node:test');
const assert = require('node:assert');
const os = require('os');
const path = require('path');
const fs = require('fs');
const notes = require('../notes');

const file = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'notes-')), 'notes.txt');

test('add then list', (t, done) => {
  const f = file();
  notes.addNote(f, 'first', (err, count) => {
    assert.ifError(err);
    assert.strictEqual(count, 1);
    notes.listNotes(f, (err2, all) => {
      assert.ifError(err2);
      assert.deepStrictEqual(all, ['first']);
      done();
    });
  });
});

test('remove returns the note', (t, done) => {
  const f = file();
  notes.addNote(f, 'a', () => notes.addNote(f, 'b', () => notes.removeNote(f, 0, (err, removed) => {
    assert.ifError(err);
    assert.strictEqual(removed, 'a');
    done();
  })));
});
