#!/usr/bin/env node
// The bin is bin/wi-gen.cjs (CommonJS, which starts faster); this path still runs it.
import '../lib/wi-gen-cli.cjs';
