#!/usr/bin/env node
'use strict';
// Entry point of the `wi-gen` bin: the committed bundle built from src/ (see scripts/build.mjs),
// through the compile-cache loader. CommonJS: an ES module entry would start Node's ES module
// loader, ~6 ms of CPU on every run.
require('../lib/wi-gen-cli.cjs');
