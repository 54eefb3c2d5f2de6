// Accord what-if: on every change, post the scenario the form describes to
// POST /api/v1/breakout and show the estimate. The scenario is the one the
// server builds from the same form (whatIfView.scenario in dashboard.go).
(() => {
  const form = document.getElementById("whatif");
  if (!form) return;
  const $ = (id) => document.getElementById(id);
  const num = (el) => (el.value.trim() === "" ? null : Number(el.value));

  const baseFleet = JSON.parse(form.dataset.baseFleet || "null") || [];

  function scenario() {
    const sc = {
      name: "what-if from the dashboard",
      convention: $("wconvention").value,
      inventory: [],
      fleet: [],
      target: { assay_pct: num($("target_pct")), quantity_sq: num($("quantity_sq")), sq: $("sq").value },
      tails_pct: {},
    };
    const cascades = num($("cascades"));
    if (cascades !== null) sc.cascades = { max: cascades };
    const setup = num($("setup_days"));
    if (setup !== null) sc.setup_days = setup;
    for (const el of form.querySelectorAll("input[data-assay]")) {
      const v = num(el);
      if (v !== null && v > 0) sc.inventory.push({ label: el.dataset.label, mass_kg_u: v, assay_pct: Number(el.dataset.assay) });
    }
    const eff = num($("efficiency"));
    // A type whose count is the state's keeps the state's groups (sites
    // and cascades), in the state's order; a changed count is one group,
    // after them.
    const stateCount = {};
    for (const g of baseFleet) stateCount[g.machine] = (stateCount[g.machine] || 0) + g.count;
    const count = {};
    for (const el of form.querySelectorAll("input[data-machine]")) count[el.dataset.machine] = num(el);
    for (const g of baseFleet) {
      const v = count[g.machine];
      if (v !== null && v > 0 && v === stateCount[g.machine]) sc.fleet.push(Object.assign({}, g, { efficiency: eff }));
    }
    for (const el of form.querySelectorAll("input[data-machine]")) {
      const v = count[el.dataset.machine];
      if (v !== null && v > 0 && v !== (stateCount[el.dataset.machine] || 0)) {
        sc.fleet.push({ machine: el.dataset.machine, count: v, efficiency: eff });
      }
    }
    for (const el of form.querySelectorAll("input[data-feed]")) {
      const v = num(el);
      if (v !== null) sc.tails_pct[el.dataset.feed] = v;
    }
    return sc;
  }

  // formField names the form's field for a field of the posted scenario
  // ("fleet[2].count" is the count of the third machine type posted).
  function formField(field, sc) {
    let m = field.match(/^fleet\[(\d+)\]/);
    if (m && sc.fleet[Number(m[1])]) {
      return field.endsWith(".efficiency") ? "efficiency" : "fleet_" + sc.fleet[Number(m[1])].machine;
    }
    if (field.startsWith("cascades.")) {
      return "cascades";
    }
    m = field.match(/^inventory\[(\d+)\]/);
    if (m && sc.inventory[Number(m[1])]) {
      const el = form.querySelector('input[data-assay="' + sc.inventory[Number(m[1])].assay_pct + '"]');
      if (el) return el.name;
    }
    m = field.match(/^tails_pct\[?"?([0-9.]+)/);
    if (m) {
      const el = form.querySelector('input[data-feed="' + m[1] + '"]');
      if (el) return el.name;
    }
    return { "target.assay_pct": "target_pct", "target.quantity_sq": "quantity_sq", "target.sq": "sq", setup_days: "setup_days" }[field] || field;
  }

  // fmt matches the server's report.Num: thousands separators, at most
  // prec decimals, trailing zeros dropped.
  function fmt(v, prec) {
    return Number(v.toFixed(prec)).toLocaleString("en-US", { maximumFractionDigits: prec });
  }
  // dayNum matches the server's report.DayNum: one decimal always shown
  // under 100 ("3.0 to 8.7"), whole days from 100.
  function dayNum(d) {
    return Math.abs(d) < 99.95 ? d.toFixed(1) : fmt(Math.round(d), 0);
  }
  function days(d) {
    if (d === null || d === undefined) return "not reached";
    return dayNum(d) + " days";
  }
  const opt = (v) => (v === null || v === undefined ? "-" : dayNum(v));

  let seq = 0;
  let timer = null;
  async function update() {
    const mine = ++seq;
    const sc = scenario();
    const err = $("result-error");
    $("result-status").textContent = "Estimating…";
    let resp, body;
    try {
      resp = await fetch("/api/v1/breakout", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(sc) });
      body = await resp.json();
    } catch (e) {
      if (mine !== seq) return;
      err.hidden = false;
      err.textContent = "The server did not answer: " + e;
      return;
    }
    if (mine !== seq) return; // a newer change is on its way
    if (!resp.ok) {
      err.hidden = false;
      err.textContent = (body.error.field ? formField(body.error.field, sc) + ": " : "") + body.error.message;
      $("result-status").textContent = "Not estimated: fix the value named above.";
      return;
    }
    err.hidden = true;
    const r = body.breakout;
    const d = $("result-days");
    d.textContent = days(r.headline_days);
    d.dataset.value = r.headline_days === null ? "" : String(r.headline_days);
    const u = r.uncertainty;
    if (u) {
      $("result-p10").textContent = opt(u.p10_days);
      $("result-p90").textContent = opt(u.p90_days);
    }
    $("result-central").textContent = days(r.first_sq_days);
    $("result-capacity").textContent = fmt(r.capacity_swu_per_year, 0);
    $("result-high").textContent = fmt(r.high_capacity_swu_per_year, 0);
    $("result-timing").textContent = r.timing.text;
    $("result-swu").textContent = fmt(r.swu_total, 0);
    $("result-quantity").textContent = fmt(r.quantity_sq, 2);
    $("result-target-days").textContent = days(r.target_days);
    $("scenario").textContent = JSON.stringify(sc);
    $("result-status").textContent = "Updated for the values above.";
    document.body.dataset.estimates = String(mine);
    history.replaceState(null, "", "?" + new URLSearchParams(new FormData(form)).toString());
  }
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  });
  form.addEventListener("change", () => {
    clearTimeout(timer);
    timer = setTimeout(update, 0);
  });
})();
