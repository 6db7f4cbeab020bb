'use strict';

const { loadConfig, loadConfigFile } = require('./load');
const { SCHEMA } = require('./schema');

module.exports = { SCHEMA, loadConfig, loadConfigFile };
