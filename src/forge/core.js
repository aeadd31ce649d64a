// Loads the Rust core once per container. The wasm bytes are inlined (pkg/steward_wasm.js), so the
// bundle needs no file next to it and works from any working directory (tools/inline-wasm.mjs).
import * as steward from '../../pkg/steward.js';
import { wasmBase64 } from '../../pkg/steward_wasm.js';

let loaded = false;

export function core() {
  if (!loaded) {
    steward.initSync({ module: Buffer.from(wasmBase64, 'base64') });
    loaded = true;
  }
  return steward;
}
