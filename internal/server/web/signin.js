// Accord sign-in with a key file: the page reads the key file with
// key.js (loaded first), asks the server for a challenge, signs the text
// "accord-read-token\n<challenge>\n" as a signed note with the key (as
// `accord token` does), exchanges the signature for a read token and signs
// in with it through the token form, which sets the sign-in cookie. The
// key file never leaves the page: only the signed challenge is sent.
"use strict";

// apiError is the server's words of a refused call, or its status.
async function apiError(resp) {
  try {
    // The server's errors are {"error": {"code", "message", "field"}}.
    const e = (await resp.json()).error || {};
    return e.message || "HTTP " + resp.status;
  } catch {
    return "HTTP " + resp.status;
  }
}

async function keySignIn(input, said) {
  if (!input.files.length) throw new Refused("Key file: choose your key file first (it is named after your key, such as us.key).");
  const k = await readKey(input.files[0]);
  said.textContent = "Asking the server for a challenge to sign…";
  const ch = await fetch("/api/v1/auth/challenge", { method: "POST", credentials: "same-origin" });
  if (!ch.ok) throw new Refused("The server gave no challenge to sign (" + (await apiError(ch)) + "): you are not signed in; try again.");
  const { challenge } = await ch.json();
  if (!challenge) throw new Refused("The server gave no challenge to sign: you are not signed in; try again.");
  said.textContent = "Signing the challenge with your key…";
  const signed = await signNote("accord-read-token\n" + challenge + "\n", k);
  const tok = await fetch("/api/v1/auth/token", {
    method: "POST",
    headers: { "Content-Type": "text/plain" },
    body: signed,
    credentials: "same-origin",
  });
  if (tok.status === 401) {
    throw new Refused("Key file: the server does not know the key " + k.name + " (key hash " + hex(k.keyHash) + "): only a key registered with this agreement's log, and not revoked, signs in. You are not signed in; nothing was changed.");
  }
  if (!tok.ok) throw new Refused("The server did not sign you in (" + (await apiError(tok)) + "): you are not signed in; nothing was changed.");
  const t = await tok.json();
  return t;
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("key-signin");
  const tokenForm = document.getElementById("token-signin");
  if (!form || !tokenForm) return;
  // Without this script the form could do nothing: it is shown here.
  form.hidden = false;
  const input = form.querySelector("input.key-file");
  const said = form.querySelector(".sign-said");
  const button = form.querySelector("button");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    said.classList.remove("bad");
    try {
      const t = await keySignIn(input, said);
      said.textContent = "Signed in as " + t.key + " (" + t.role + "); opening the page…";
      // The token form signs in with the token and sets the cookie.
      tokenForm.elements.token.value = t.token;
      tokenForm.submit();
    } catch (e) {
      said.textContent = e instanceof Refused ? e.message : "You are not signed in: " + e.message;
      said.classList.add("bad");
      button.disabled = false;
    }
  });
});
