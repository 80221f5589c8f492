'use strict';
// Notes kept one per line in a text file.
const fs = require('fs');

function listNotes(file, callback) {
  fs.readFile(file, 'utf8', (err, text) => {
    if (err && err.code === 'ENOENT') return callback(null, []);
    if (err) return callback(err);
    callback(null, text.split('\n').filter(Boolean));
  });
}

function addNote(file, note, callback) {
  if (typeof note !== 'string' || note.trim() === '' || note.includes('\n')) {
    return process.nextTick(callback, new Error('a note is one non-empty line'));
  }
  listNotes(file, (err, notes) => {
    if (err) return callback(err);
    notes.push(note.trim());
    fs.writeFile(file, notes.join('\n') + '\n', (err2) => callback(err2 || null, notes.length));
  });
}

function removeNote(file, index, callback) {
  listNotes(file, (err, notes) => {
    if (err) return callback(err);
    if (!Number.isInteger(index) || index < 0 || index >= notes.length) {
      return callback(new RangeError(`no note ${index}`));
    }
    const [removed] = notes.splice(index, 1);
    fs.writeFile(file, notes.map((n) => n + '\n').join(''), (err2) => callback(err2 || null, removed));
  });
}

module.exports = { addNote, listNotes, removeNote };
