#!/usr/bin/env node
// Entry point of the `wi-gen` bin: the committed bundle built from src/ (see scripts/build.mjs).
import '../lib/wi-gen.mjs';
