// Accord talks room: the steps signed with the participant's own key (red
// lines, releasing a held proposal, confirming the text) are signed here,
// with the key file read by key.js (loaded first). The key file is read
// from the disk by this page and never sent: the server prepares the
// record, the page checks it against what it shows, signs it as a signed
// note, and posts the signature with the step's form.
"use strict";

// checkPrepared checks what the server prepared: the hash is of the
// preimage, the preimage says what this page shows and sent, the record
// is the signed-in participant's commitment to that hash in this room.
async function checkPrepared(form, p, expect) {
  const h = hex(await sha256(enc.encode(p.preimage)));
  if (h !== p.sha256) {
    throw new Refused("The server's hash is not the hash of what it sent to sign: nothing was signed.");
  }
  const nl = p.preimage.indexOf("\n");
  const domain = p.preimage.slice(0, nl);
  const what = JSON.parse(p.preimage.slice(nl + 1));
  expect(domain, what);
  const rec = JSON.parse(p.record);
  if (!p.record.endsWith("\n") || rec.author !== p.author || rec.author !== form.dataset.me) {
    throw new Refused("The record to sign is not yours: nothing was signed.");
  }
  const id = "talks-" + hex((await sha256(enc.encode("accord.talks.commitment-id/v1\n" + p.author + "\n" + p.sha256))).slice(0, 10));
  if (rec.id !== id) {
    throw new Refused("The record to sign does not commit to the hash checked here: nothing was signed.");
  }
  if (rec.kind === "talks_commitment") {
    if (rec.body.room !== form.dataset.room || rec.body.sha256 !== p.sha256) {
      throw new Refused("The record to sign commits to another room or hash: nothing was signed.");
    }
  } else if (rec.kind === "sealed") {
    for (const who of [p.author, form.dataset.mediator]) {
      if (!rec.body.to.includes(who)) {
        throw new Refused("The record to sign is not sealed to " + who + ": nothing was signed.");
      }
    }
  } else {
    throw new Refused("The record to sign is a " + rec.kind + " record, not a talks commitment: nothing was signed.");
  }
}

function same(a, b, what) {
  if (a !== b) throw new Refused("The server prepared " + what + " " + JSON.stringify(a) + ", but this page shows " + JSON.stringify(b) + ": nothing was signed.");
}

// What each step checks of the preimage against the page.
const expectations = {
  "red-lines": (form) => (domain, rl) => {
    same(domain, "accord.talks.redlines/v1", "a commitment of kind");
    same(rl.room, form.dataset.room, "red lines for room");
    same(rl.party, form.dataset.me, "red lines of");
    same(rl.salt, form.elements.salt.value, "the salt");
    const rows = [];
    const subjects = form.querySelectorAll("[name=subject]");
    const ops = form.querySelectorAll("[name=op]");
    const values = form.querySelectorAll("[name=value]");
    subjects.forEach((s, i) => {
      const v = values[i].value.trim();
      if (v !== "") rows.push({ subject: s.value, op: ops[i].value, value: v });
    });
    same(rl.constraints.length, rows.length, "a number of red lines");
    rl.constraints.forEach((c, i) => {
      same(c.subject, rows[i].subject, "the subject");
      same(c.op, rows[i].op, "the operator of " + c.subject);
      if (c.text !== undefined) {
        same(c.text, rows[i].value, "the value of " + c.subject);
      } else {
        same(c.value ?? 0, Number(rows[i].value), "the value of " + c.subject);
      }
    });
  },
  release: (form) => (domain, rel) => {
    same(domain, "accord.talks.release/v1", "a commitment of kind");
    same(rel.room, form.dataset.room, "a release in room");
    same(String(rel.round), form.dataset.round, "a release in round");
    same(rel.attribution, form.dataset.attribution, "a release attributed to");
    same(rel.origin, form.dataset.origin, "a release from");
  },
  confirm: (form) => (domain, text) => {
    same(domain, "accord.talks.text/v1", "a commitment of kind");
    same(text.room, form.dataset.room, "a text of room");
    same(String(text.version), form.dataset.version, "version");
    const shown = document.querySelectorAll('ul.clauses[data-version="' + form.dataset.version + '"] > li');
    same(text.clauses.length, shown.length, "a number of clauses");
    text.clauses.forEach((c, i) => {
      same(c.status, shown[i].dataset.status, "the status of clause " + (i + 1));
      same(c.text, shown[i].dataset.text, "clause " + (i + 1));
    });
  },
};

async function prepare(form) {
  const body = new URLSearchParams(new FormData(form));
  body.delete("commitment");
  body.set("step", form.dataset.step);
  if (form.dataset.proposal) body.set("proposal", form.dataset.proposal);
  if (form.dataset.version) body.set("version", form.dataset.version);
  const resp = await fetch("/talks/" + encodeURIComponent(form.dataset.room) + "/sign", {
    method: "POST",
    body,
    credentials: "same-origin",
  });
  const p = await resp.json();
  // The server's errors are {"error": {"code", "message", "field"}}.
  if (!resp.ok) throw new Refused((p.error && p.error.message) || "The server refused to prepare the record (HTTP " + resp.status + "): nothing was signed.");
  return p;
}

async function signStep(form, said) {
  const input = form.querySelector("input.key-file");
  if (!input.files.length) throw new Refused("Choose your key file first.");
  const k = await readKey(input.files[0]);
  if (form.elements.salt) {
    form.elements.salt.value = hex(crypto.getRandomValues(new Uint8Array(32)));
  }
  said.textContent = "Preparing the record…";
  const p = await prepare(form);
  if (k.name !== p.key) {
    throw new Refused("This key file is the key " + k.name + "'s, but you are signed in with the key " + p.key + ": a step is signed by the key of the participant who takes it.");
  }
  await checkPrepared(form, p, expectations[form.dataset.step](form));
  form.elements.commitment.value = await signNote(p.record, k);
  return p;
}

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form.signs")) {
    const said = form.querySelector(".sign-said");
    const button = form.querySelector("button.sign-step");
    const submit = form.querySelector("button.submit-signed");
    const keep = form.querySelector(".keep");
    button.addEventListener("click", async () => {
      button.disabled = true;
      said.classList.remove("bad");
      try {
        const p = await signStep(form, said);
        if (form.dataset.step === "red-lines") {
          // The party keeps its red lines with their salt: revealing them
          // later proves they did not move.
          const kept = '{"red_lines": ' + p.preimage.slice(p.preimage.indexOf("\n") + 1) + ', "commitment": "' + p.sha256 + '"}\n';
          const link = keep.querySelector("a");
          link.href = URL.createObjectURL(new Blob([kept], { type: "application/json" }));
          link.addEventListener("click", () => {
            submit.disabled = false;
          }, { once: true });
          keep.hidden = false;
          // What was signed stays as signed until it is submitted.
          for (const el of form.querySelectorAll("tbody select, tbody input")) el.disabled = el.type !== "hidden";
          said.textContent = "Signed with your key. Save the file above, then submit.";
        } else {
          said.textContent = "Signed with your key; submitting…";
          form.submit();
        }
      } catch (e) {
        said.textContent = e instanceof Refused ? e.message : "Nothing was signed: " + e.message;
        said.classList.add("bad");
        button.disabled = false;
      }
    });
    if (submit) {
      form.addEventListener("submit", () => {
        // Disabled fields are not posted: the rows signed are posted as signed.
        for (const el of form.querySelectorAll("tbody select, tbody input")) el.disabled = false;
      });
    }
  }
});
