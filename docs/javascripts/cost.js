// The cost calculator on docs/cost.md: plain JavaScript, no libraries, nothing
// fetched, so it works offline. runCost is a pure function, the same model as
// run_cost in harness/reporting/derived.py; tests/test_cost_calculator.py holds them equal.

const DAYS_PER_MONTH = 30;

/** Wall time, vCPU-seconds paid, and cost per run and per month of a job on rented vCPUs. */
function runCost(sequentialSeconds, workers, efficiency, vcpuHourly, runsPerDay) {
  const wall = sequentialSeconds / (workers * efficiency);
  const vcpuSeconds = workers * wall; // every vCPU is paid for the whole run, busy or idle
  const perRun = (vcpuSeconds * vcpuHourly) / 3600;
  return { wall, vcpuSeconds, perRun, perMonth: perRun * runsPerDay * DAYS_PER_MONTH };
}

/** Read a number from an input, clamped to [min, max]; NaN (empty, invalid) gives null. */
function readAmount(input, min, max) {
  const value = Number.parseFloat(input.value);
  if (Number.isNaN(value)) return null;
  return Math.min(max, Math.max(min, value));
}

/** "$0.0123" for small amounts, "$1,234.56" for large ones. */
function dollarsText(amount) {
  if (amount < 0.01) return `$${amount.toPrecision(3)}`;
  return `$${amount.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** The sentence the page shows for one set of inputs, or what is missing. */
function costSentence(sequentialSeconds, workers, efficiency, vcpuHourly, runsPerDay) {
  if ([sequentialSeconds, workers, efficiency, vcpuHourly, runsPerDay].includes(null)) {
    return "Enter a time, a number of workers, an efficiency between 0 and 1, a price and a frequency.";
  }
  const n = Math.round(workers);
  const parallel = runCost(sequentialSeconds, n, efficiency, vcpuHourly, runsPerDay);
  const alone = runCost(sequentialSeconds, 1, 1, vcpuHourly, runsPerDay);
  return (
    `On ${n} vCPUs: ${parallel.wall.toFixed(2)} s a run, ${dollarsText(parallel.perRun)} a run, ` +
    `${dollarsText(parallel.perMonth)} a month. On one vCPU: ${alone.wall.toFixed(2)} s a run, ` +
    `${dollarsText(alone.perMonth)} a month. The ${n} vCPUs finish ` +
    `${(alone.wall / parallel.wall).toFixed(2)}× sooner and cost ` +
    `${(parallel.perRun / alone.perRun).toFixed(2)}× as much.`
  );
}

function setUpCostCalculator(root) {
  const field = (name) => root.querySelector(`[data-cost-${name}]`);
  const inputs = ["seconds", "workers", "efficiency", "price", "runs"].map(field);
  const out = field("result");

  function update() {
    const [seconds, workers, efficiency, price, runs] = [
      readAmount(inputs[0], 0, 1e9),
      readAmount(inputs[1], 1, 100000),
      readAmount(inputs[2], 0.01, 1),
      readAmount(inputs[3], 0, 1000),
      readAmount(inputs[4], 0, 1e6),
    ];
    out.textContent = costSentence(seconds, workers, efficiency, price, runs);
  }

  inputs.forEach((input) => input.addEventListener("input", update));
  update();
}

if (typeof document !== "undefined") {
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-cost]").forEach(setUpCostCalculator);
  });
}
