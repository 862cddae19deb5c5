#!/usr/bin/env node
// The `lockstep` bin shim: Node >= 22.18 runs the TypeScript entry directly (type stripping).
import './main.ts';
