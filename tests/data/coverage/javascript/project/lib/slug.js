'use strict';
const { clean } = require('./clean');

/** "Hello World" -> "hello-world" */
function slugify(text) {
  const words = clean(text).split(' ');
  return words.join('-').toLowerCase();
}

const shout = (text) => {
  if (!text) {
    throw new Error('nothing to shout: ' + JSON.stringify(text));
  }
  return text.toUpperCase() + '!';
};

class Counter {
  constructor() { this.n = 0; }
  add(k) {
    this.n += k;
    return this;
  }
}

module.exports = { slugify, shout, Counter };
