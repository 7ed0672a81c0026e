// The draw-a-digit page: strokes on a canvas, sent as a PNG to /api/predict while drawing
// (debounced), with the answer drawn as bars, the 28x28 input and the evidence map.
"use strict";

const SIZE = 280;            // drawing canvas, in canvas pixels
const PEN = SIZE / 14;       // stroke width: MNIST strokes are about a tenth of the digit
const STEP = 10;             // keyboard pen step (Shift: three times)
const DEBOUNCE_MS = 120;     // wait this long after the last change before asking

const pad = document.getElementById("pad");
const ctx = pad.getContext("2d");
const seen = document.getElementById("seen");
const evidence = document.getElementById("evidence");
const bars = document.getElementById("bars");
const select = document.getElementById("model");
const onnxLink = document.getElementById("onnx");
const statusLine = document.getElementById("status");

let strokes = [];            // each stroke: array of [x, y]
let current = null;          // the stroke being drawn
let chosenDigit = null;      // digit whose evidence is shown (null: the prediction)
let timer = null;
let inFlight = false;
let again = false;
let models = [];
let inBrowser = false;       // run the model with onnxruntime-web instead of on the server
const sessions = new Map();  // model id -> promise of an onnxruntime-web session
const cursor = { x: SIZE / 2, y: SIZE / 2, down: false, visible: false };

// -- drawing ---------------------------------------------------------------------------------

function redraw() {
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, SIZE, SIZE);
  ctx.strokeStyle = "#000";
  ctx.fillStyle = "#000";
  ctx.lineWidth = PEN;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  for (const stroke of strokes) {
    if (stroke.length === 1) {
      ctx.beginPath();
      ctx.arc(stroke[0][0], stroke[0][1], PEN / 2, 0, 2 * Math.PI);
      ctx.fill();
      continue;
    }
    ctx.beginPath();
    ctx.moveTo(stroke[0][0], stroke[0][1]);
    for (const [x, y] of stroke.slice(1)) ctx.lineTo(x, y);
    ctx.stroke();
  }
}

function drawCursor() {
  if (!cursor.visible) return;
  ctx.save();
  ctx.strokeStyle = cursor.down ? "#0a7a2f" : "#e08a00";
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.arc(cursor.x, cursor.y, PEN / 2 + 3, 0, 2 * Math.PI);
  ctx.stroke();
  ctx.restore();
}

function render() { redraw(); drawCursor(); }

function point(event) {
  const box = pad.getBoundingClientRect();
  return [(event.clientX - box.left) * SIZE / box.width,
          (event.clientY - box.top) * SIZE / box.height];
}

pad.addEventListener("pointerdown", (event) => {
  event.preventDefault();
  pad.setPointerCapture(event.pointerId);
  current = [point(event)];
  strokes.push(current);
  render();
  schedule();
});

pad.addEventListener("pointermove", (event) => {
  if (!current) return;
  const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
  for (const e of (events.length ? events : [event])) current.push(point(e));
  render();
  schedule();
});

function endStroke() {
  if (!current) return;
  current = null;
  schedule();
}
pad.addEventListener("pointerup", endStroke);
pad.addEventListener("pointercancel", endStroke);

// Keyboard drawing: arrows move the pen, Space puts it down or lifts it.
pad.addEventListener("focus", () => { cursor.visible = true; render(); });
pad.addEventListener("blur", () => { cursor.visible = false; cursor.down = false; current = null; render(); });
pad.addEventListener("keydown", (event) => {
  const step = event.shiftKey ? 3 * STEP : STEP;
  const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
  if (event.key in moves) {
    event.preventDefault();
    const [dx, dy] = moves[event.key];
    cursor.x = Math.min(SIZE - PEN / 2, Math.max(PEN / 2, cursor.x + dx));
    cursor.y = Math.min(SIZE - PEN / 2, Math.max(PEN / 2, cursor.y + dy));
    if (cursor.down) { current.push([cursor.x, cursor.y]); schedule(); }
    render();
  } else if (event.key === " ") {
    event.preventDefault();
    cursor.down = !cursor.down;
    if (cursor.down) { current = [[cursor.x, cursor.y]]; strokes.push(current); }
    else current = null;
    render();
    schedule();
  }
});

document.addEventListener("keydown", (event) => {
  const inField = event.target instanceof HTMLSelectElement || event.target instanceof HTMLInputElement;
  if (inField) return;
  if ((event.key === "z" && (event.ctrlKey || event.metaKey)) || event.key === "u" || event.key === "U") {
    event.preventDefault();
    undo();
  } else if (event.key === "c" || event.key === "C") {
    clearAll();
  }
});

function undo() {
  strokes.pop();
  current = null;
  cursor.down = false;
  render();
  schedule();
}

function clearAll() {
  strokes = [];
  current = null;
  cursor.down = false;
  render();
  schedule();
}

document.getElementById("undo").addEventListener("click", undo);
document.getElementById("clear").addEventListener("click", clearAll);

// -- asking the server -----------------------------------------------------------------------

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(ask, DEBOUNCE_MS);
}

// The drawing is sent at half size: 140x140 is still five times the 28x28 the model sees,
// and the server prepares a quarter of the pixels (the preparation is most of its work).
const SENT = SIZE / 2;
const sent = document.createElement("canvas");
sent.width = SENT;
sent.height = SENT;

function picture() {
  // The strokes alone (no cursor ring), scaled down, as a PNG.
  redraw();
  const g = sent.getContext("2d");
  g.imageSmoothingQuality = "high";
  g.drawImage(pad, 0, 0, SENT, SENT);
  drawCursor();
  return new Promise((resolve) => sent.toBlob(resolve, "image/png"));
}

async function ask() {
  if (inFlight) { again = true; return; }
  if (strokes.length === 0) { showEmpty(); return; }
  inFlight = true;
  document.body.dataset.state = "busy";
  try {
    const blob = await picture();
    const params = new URLSearchParams({ model: select.value || "" });
    if (chosenDigit !== null) params.set("explain", String(chosenDigit));
    const response = await fetch("/api/predict?" + params, {
      method: "POST", headers: { "Content-Type": "image/png" }, body: blob,
    });
    const answer = await response.json();
    if (!response.ok) { showError(answer.error || response.statusText); }
    else if (strokes.length) {
      if (inBrowser) await runInBrowser(answer);
      show(answer);
    }
  } catch (error) {
    showError(String(error));
  } finally {
    inFlight = false;
    document.body.dataset.state = "ready";
    if (again) { again = false; ask(); }
  }
}

// -- showing the answer ----------------------------------------------------------------------

const barButtons = [];
for (let digit = 0; digit < 10; digit++) {
  const item = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.setAttribute("aria-pressed", "false");
  button.dataset.digit = String(digit);
  button.innerHTML = `<span class="digit">${digit}</span><span class="track"><span class="fill"></span></span><span class="value">–</span>`;
  button.addEventListener("click", () => {
    chosenDigit = chosenDigit === digit ? null : digit;
    schedule();
  });
  item.appendChild(button);
  bars.appendChild(item);
  barButtons.push(button);
}

function show(answer) {
  statusLine.textContent = "";
  document.getElementById("prediction").textContent = String(answer.prediction);
  const explained = answer.explanation ? answer.explanation.digit : null;
  answer.probabilities.forEach((p, digit) => {
    const button = barButtons[digit];
    const percent = (100 * p).toFixed(1);
    button.querySelector(".fill").style.width = `${(100 * p).toFixed(2)}%`;
    button.querySelector(".value").textContent = `${percent}%`;
    button.setAttribute("aria-label", `digit ${digit}: ${percent} percent`);
    button.setAttribute("aria-pressed", String(digit === explained));
    button.classList.toggle("top", digit === answer.prediction);
  });
  paintSeen(answer.pixels);
  paintExplanation(answer.explanation);
  const t = answer.timing_ms;
  let timing = `Server: ${t.total.toFixed(1)} ms (prepare ${t.prepare.toFixed(1)}, model ${t.predict.toFixed(1)}, explain ${t.explain.toFixed(1)})`;
  if (answer.browser_ms !== undefined) {
    timing = `Model run in this browser (onnxruntime-web): ${answer.browser_ms.toFixed(1)} ms. ` +
      `Server prepared the image and the map: ${(t.prepare + t.explain).toFixed(1)} ms`;
  }
  document.getElementById("timing").textContent = timing;
  document.body.dataset.engine = answer.browser_ms !== undefined ? "browser" : "server";
  document.body.dataset.probabilities = JSON.stringify(answer.probabilities);
  document.body.dataset.serverProbabilities = JSON.stringify(answer.server_probabilities || answer.probabilities);
  document.body.dataset.prediction = String(answer.prediction);
}

function paintSeen(pixels) {
  const g = seen.getContext("2d");
  const image = g.createImageData(28, 28);
  pixels.forEach((v, i) => {
    const level = Math.round(255 * v);
    image.data.set([level, level, level, 255], 4 * i);
  });
  g.putImageData(image, 0, 0);
}

function paintExplanation(explanation) {
  const g = evidence.getContext("2d");
  const image = g.createImageData(28, 28);
  const caption = document.getElementById("evidence-caption");
  const totals = document.getElementById("totals");
  if (!explanation) { g.clearRect(0, 0, 28, 28); caption.textContent = "Evidence"; totals.textContent = ""; return; }
  const values = explanation.map;
  const largest = Math.max(1e-12, ...values.map(Math.abs));
  let marked = 0;
  values.forEach((v, i) => {
    const t = Math.abs(v) / largest;
    // The tutorial's colours: blue for evidence in favour, red against.
    const colour = v >= 0 ? [32, 96, 255] : [255, 42, 42];
    const mixed = colour.map((c) => Math.round(255 + t * (c - 255)));
    image.data.set([...mixed, 255], 4 * i);
    if (t > 0.05) marked++;
  });
  g.putImageData(image, 0, 0);
  evidence.dataset.marked = String(marked);
  if (explanation.kind === "evidence") {
    caption.textContent = `Evidence for ${explanation.digit}: W[:, ${explanation.digit}] × x`;
    const parts = explanation.totals.map((v, d) => `${d}: ${v.toFixed(2)}`);
    totals.textContent = `Total evidence Σ W x + b — ${parts.join(", ")}`;
  } else {
    caption.textContent = `Saliency for ${explanation.digit}: gradient of its logit`;
    totals.textContent = "";
  }
}

function showEmpty() {
  document.getElementById("prediction").textContent = "?";
  for (const button of barButtons) {
    button.querySelector(".fill").style.width = "0";
    button.querySelector(".value").textContent = "–";
    button.classList.remove("top");
  }
  seen.getContext("2d").clearRect(0, 0, 28, 28);
  paintExplanation(null);
  evidence.dataset.marked = "0";
  document.body.dataset.prediction = "";
  document.getElementById("timing").textContent = "";
}

function showError(message) {
  statusLine.textContent = `Problem: ${message}`;
}

// -- in the browser: the exported ONNX model in onnxruntime-web ------------------------------

function loadRuntime() {
  if (window.ort) return Promise.resolve(window.ort);
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "/static/ort/ort.wasm.min.js";
    script.onload = () => {
      // One thread: no SharedArrayBuffer (and so no cross-origin isolation) needed.
      window.ort.env.wasm.numThreads = 1;
      window.ort.env.wasm.wasmPaths = "/static/ort/";
      resolve(window.ort);
    };
    script.onerror = () => reject(new Error("onnxruntime-web could not be loaded"));
    document.head.appendChild(script);
  });
}

function browserSession(id) {
  if (!sessions.has(id)) {
    const url = `/api/models/${encodeURIComponent(id)}/onnx`;
    sessions.set(id, loadRuntime().then((ort) =>
      ort.InferenceSession.create(url, { executionProviders: ["wasm"] })));
  }
  return sessions.get(id);
}

// The server prepares the 28x28 image (the function `smallflow predict` uses); the model
// itself then runs here, on those pixels.
async function runInBrowser(answer) {
  const session = await browserSession(answer.model);
  const started = performance.now();
  const images = new window.ort.Tensor("float32", Float32Array.from(answer.pixels), [1, 784]);
  const outputs = await session.run({ images });
  const probabilities = Array.from(outputs.probabilities.data);
  answer.browser_ms = performance.now() - started;
  answer.server_probabilities = answer.probabilities;
  answer.probabilities = probabilities;
  answer.prediction = probabilities.indexOf(Math.max(...probabilities));
}

const browserBox = document.getElementById("in-browser");
browserBox.addEventListener("change", () => { inBrowser = browserBox.checked; schedule(); });

// -- models ----------------------------------------------------------------------------------

function describe(model) {
  const accuracy = model.accuracy === null ? "" : `, ${(100 * model.accuracy).toFixed(1)}% on the test set`;
  return `${model.description}${accuracy} (${model.file})`;
}

function chooseModel() {
  const model = models.find((m) => m.id === select.value);
  document.getElementById("about").textContent = model ? describe(model) : "";
  onnxLink.href = `/api/models/${encodeURIComponent(select.value)}/onnx`;
  onnxLink.download = `${select.value}.onnx`;
  schedule();
}
select.addEventListener("change", chooseModel);

async function loadModels() {
  const response = await fetch("/api/models");
  const listing = await response.json();
  models = listing.models;
  for (const model of models) {
    const option = document.createElement("option");
    option.value = model.id;
    option.textContent = `${model.id} (${model.model})`;
    select.appendChild(option);
  }
  select.value = listing.default;
  onnxLink.hidden = !listing.onnx;
  document.getElementById("browser-row").hidden = !listing.browser_runtime;
  chooseModel();
  document.body.dataset.state = "ready";
}

render();
loadModels().catch((error) => showError(String(error)));
