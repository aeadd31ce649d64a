#!/usr/bin/env node
// Rewrites how the wasm-bindgen glue (pkg/steward.js) copies a JS string argument into wasm memory.
// The generated code copies it in JS a character at a time while it is ASCII, then hands the rest
// to `TextEncoder.encodeInto`; a snapshot is tens or hundreds of MB of ASCII. Here all of it goes
// to `encodeInto` (native), and the core then takes the bytes as the `&str` they are with no zeroed
// buffer and no second UTF-8 check: about 6 % off the wasm analysis of the S, M and L benchmark sites.
// Anything but a string reads as empty text (the generated code would misread it), which an export
// reports as a malformed snapshot; empty options are the defaults.
// The code replaced is that of the pinned wasm-bindgen version; if it is not found, the build fails.
import { readFileSync, writeFileSync } from 'node:fs';

const [gluePath = 'pkg/steward.js'] = process.argv.slice(2);
const glue = readFileSync(gluePath, 'utf8');

const head = 'function passStringToWasm0(arg, malloc, realloc) {\n';
const generated = `    let len = arg.length;
    let ptr = malloc(len, 1) >>> 0;

    const mem = getUint8ArrayMemory0();

    let offset = 0;

    for (; offset < len; offset++) {
        const code = arg.charCodeAt(offset);
        if (code > 0x7F) break;
        mem[ptr + offset] = code;
    }
    if (offset !== len) {
        if (offset !== 0) {
            arg = arg.slice(offset);
        }
        ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;
        const view = getUint8ArrayMemory0().subarray(ptr + offset, ptr + len);
        const ret = cachedTextEncoder.encodeInto(arg, view);

        offset += ret.written;
        ptr = realloc(ptr, len, offset, 1) >>> 0;
    }
`;
// One byte per UTF-16 unit fits ASCII exactly; what does not fit is encoded again with room for
// the rest (at most 3 bytes a unit). `encodeInto` never splits a surrogate pair, and writes a lone
// surrogate as U+FFFD, so the bytes are UTF-8.
const replacement = `    let len = arg.length;
    let ptr = malloc(len, 1) >>> 0;
    const first = cachedTextEncoder.encodeInto(arg, getUint8ArrayMemory0().subarray(ptr, ptr + len));
    let offset = first.written;
    if (first.read !== len) {
        arg = arg.slice(first.read);
        ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;
        const view = getUint8ArrayMemory0().subarray(ptr + offset, ptr + len);
        offset += cachedTextEncoder.encodeInto(arg, view).written;
        ptr = realloc(ptr, len, offset, 1) >>> 0;
    }
`;
const guard = "    if (typeof arg !== 'string') arg = '';\n";

const at = glue.indexOf(head);
if (at < 0 || glue.indexOf(head, at + 1) >= 0 || glue.indexOf(generated, at) < 0 || glue.indexOf(generated, at) > at + 600) {
  console.error(`${gluePath}: passStringToWasm0 is not the code this tool knows (was wasm-bindgen upgraded?)`);
  process.exit(1);
}
const patched = glue.slice(0, at + head.length) + guard + glue.slice(at + head.length).replace(generated, replacement);
writeFileSync(gluePath, patched);
console.log(`${gluePath}: strings are copied into wasm memory with encodeInto`);
