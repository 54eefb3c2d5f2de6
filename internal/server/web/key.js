// Accord: a participant's key file, read and used in the page. The key
// file (a signed-note private key, PRIVATE+KEY+name+hash+base64(0x01 ||
// seed)) is read from the disk by the page and never sent: its seed is
// imported into the browser's Web Crypto (Ed25519), which signs notes
// with it. Used by the sign-in page (a challenge) and the talks room (the
// steps a participant signs). No cryptography is written here beyond
// calls to Web Crypto.
"use strict";

const enc = new TextEncoder();

function hex(bytes) {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

function b64(bytes) {
  let s = "";
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s);
}

function unb64(s, url) {
  if (url) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
  }
  const bin = atob(s);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
}

// A refusal to sign, in words for the participant.
class Refused extends Error {}

// readKey reads a signed-note private key file
// (PRIVATE+KEY+name+hash+base64(0x01 || seed)) into a Web Crypto Ed25519
// key, checking the key hash the file names.
async function readKey(file) {
  const text = (await file.text()).trim();
  // Four "+" separate the fields; the key's base64 may hold more.
  const f = text.split("+");
  f.splice(4, f.length, f.slice(4).join("+"));
  if (f.length !== 5 || f[0] !== "PRIVATE" || f[1] !== "KEY") {
    throw new Refused("This is not a private key file: a key file begins PRIVATE+KEY+ and names its key.");
  }
  const [, , name, hash, data] = f;
  let raw;
  try {
    raw = unb64(data);
  } catch {
    throw new Refused("The key file is damaged: its key is not base64.");
  }
  if (raw.length !== 33 || raw[0] !== 1) {
    throw new Refused("The key file does not hold an Ed25519 key.");
  }
  const pkcs8 = concat(Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]), raw.slice(1));
  let key, jwk;
  try {
    key = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, true, ["sign"]);
    jwk = await crypto.subtle.exportKey("jwk", key);
  } catch (e) {
    throw new Refused("This browser cannot sign with Ed25519 (" + e.message + "): use the command this page shows instead.");
  }
  const pub = unb64(jwk.x, true);
  // The key hash: the first four bytes of SHA-256(name "\n" 0x01 key).
  const kh = (await sha256(concat(enc.encode(name + "\n"), Uint8Array.of(1), pub))).slice(0, 4);
  if (hex(kh) !== hash.toLowerCase()) {
    throw new Refused("The key file is damaged: its key does not match the key hash it names.");
  }
  return { name, key, keyHash: kh };
}

// signNote signs text (a record's text, ending in a newline) as a signed
// note: the text, a blank line, and "— name base64(keyhash || signature)".
async function signNote(text, k) {
  const sig = new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, k.key, enc.encode(text)));
  return text + "\n\u2014 " + k.name + " " + b64(concat(k.keyHash, sig)) + "\n";
}
