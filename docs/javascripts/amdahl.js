// The Amdahl's-law calculator on docs/cpu/amdahl.md: plain JavaScript, no
// libraries, nothing fetched, so it works offline. The formulas are pure
// functions so that tests can run them without a browser.

/** Amdahl: best speedup of a fixed problem with serial fraction s on n workers. */
function amdahlSpeedup(s, n) {
  return 1 / (s + (1 - s) / n);
}

/** Gustafson: scaled speedup when the parallel part grows with the n workers. */
function gustafsonSpeedup(s, n) {
  return s + (1 - s) * n;
}

/** Read a number from an input, clamped to [min, max]; NaN (empty, invalid) gives null. */
function readNumber(input, min, max) {
  const value = Number.parseFloat(input.value);
  if (Number.isNaN(value)) return null;
  return Math.min(max, Math.max(min, value));
}

/** Points of the Amdahl curve for n = 1 … maxWorkers, scaled into a width × height box. */
function curvePoints(s, maxWorkers, width, height) {
  const top = Math.max(amdahlSpeedup(s, maxWorkers), 1);
  const points = [];
  for (let n = 1; n <= maxWorkers; n += Math.max(1, Math.floor(maxWorkers / 200))) {
    const x = ((n - 1) / Math.max(maxWorkers - 1, 1)) * width;
    const y = height - (amdahlSpeedup(s, n) / top) * height;
    points.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  }
  return points.join(" ");
}

function setUpCalculator(root) {
  const serial = root.querySelector("[data-amdahl-serial]");
  const workers = root.querySelector("[data-amdahl-workers]");
  const out = root.querySelector("[data-amdahl-result]");
  const line = root.querySelector("[data-amdahl-curve]");
  const axis = root.querySelector("[data-amdahl-axis]");

  function update() {
    const s = readNumber(serial, 0, 1);
    const n = readNumber(workers, 1, 100000);
    if (s === null || n === null) {
      out.textContent = "Enter a serial fraction between 0 and 1 and at least 1 worker.";
      return;
    }
    const count = Math.round(n);
    const speedup = amdahlSpeedup(s, count);
    const limit = s > 0 ? `${(1 / s).toFixed(1)}× however many workers` : "no limit";
    out.textContent =
      `Amdahl: at most ${speedup.toFixed(2)}× on ${count} workers ` +
      `(efficiency ${(speedup / count).toFixed(2)}; limit: ${limit}). ` +
      `Gustafson, growing the problem: ${gustafsonSpeedup(s, count).toFixed(2)}×.`;
    line.setAttribute("points", curvePoints(s, Math.max(count, 2), 300, 120));
    axis.textContent = `1 to ${Math.max(count, 2)} workers; top: ${amdahlSpeedup(s, Math.max(count, 2)).toFixed(2)}×`;
  }

  serial.addEventListener("input", update);
  workers.addEventListener("input", update);
  update();
}

if (typeof document !== "undefined") {
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-amdahl]").forEach(setUpCalculator);
  });
}
