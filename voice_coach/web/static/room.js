// The practice room: follows the interview engine's events, plays what the interviewer says,
// records the microphone only while an answer is being taken, and sends the desk's keys.
"use strict";
const $ = (id) => document.getElementById(id);
const SEND_MS = 250;
let since = 0, recording = false, gated = false, waiting = null, mic = null, kind = "practice";

function show(...ids) {
  for (const s of ["pick", "live", "after", "ended"]) $(s).hidden = !ids.includes(s);
}
function mmss(s) {
  s = Math.max(0, Math.floor(s));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
function log(text, cls) {
  const li = document.createElement("li");
  li.textContent = text;
  if (cls) li.className = cls;
  $("log").prepend(li);
}
async function post(url, body, type = "application/json") {
  return fetch(url, { method: "POST", headers: { "Content-Type": type }, body });
}

// -- microphone: opened for each take, closed after it (the browser shows it live only then)
async function openMic() {
  const device = $("device").value;
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { deviceId: device ? { exact: device } : undefined, echoCancellation: false,
             noiseSuppression: false, autoGainControl: false, channelCount: 1 },
  });
  const ctx = new AudioContext({ sampleRate: 16000 });
  await ctx.audioWorklet.addModule("/static/capture.js");
  const node = new AudioWorkletNode(ctx, "capture");
  const pending = [];
  node.port.onmessage = (e) => { if (recording) pending.push(e.data); };
  ctx.createMediaStreamSource(stream).connect(node);
  const timer = setInterval(() => flush(pending), SEND_MS);
  mic = { stream, ctx, timer, pending };
  fillDevices();
}
function flush(pending) {
  if (!pending.length) return;
  const n = pending.reduce((a, b) => a + b.length, 0);
  const pcm = new Int16Array(n);
  let i = 0;
  for (const block of pending.splice(0)) for (const x of block) pcm[i++] = Math.max(-1, Math.min(1, x)) * 32767;
  post("/api/audio", pcm.buffer, "application/octet-stream");
}
function closeMic() {
  if (!mic) return;
  flush(mic.pending);
  clearInterval(mic.timer);
  mic.stream.getTracks().forEach((t) => t.stop());
  mic.ctx.close();
  mic = null;
}
async function fillDevices() {
  const sel = $("device"), chosen = sel.value;
  const devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "audioinput");
  sel.length = 1;
  for (const d of devices) sel.add(new Option(d.label || `microphone ${sel.length}`, d.deviceId));
  sel.value = chosen;
}

// -- the interviewer's voice
function play(ev) {
  $("status").textContent = "the interviewer is speaking";
  const audio = $("voice");
  let done = false;
  const finish = () => { if (!done) { done = true; post("/api/played", "{}"); } };
  audio.src = ev.url;
  audio.onended = finish;
  audio.play().catch(finish);  // no sound (a blocked autoplay, no speaker): the text is on screen
  setTimeout(finish, (ev.seconds + 3) * 1000);
}

// -- the engine's events
const handlers = {
  Started: (e) => { kind = e.kind; },
  Notice: (e) => log(e.text, e.tone === "warn" ? "warn" : ""),
  InterviewerStarted: (e) => log(`${e.name} · ${e.clock}`),
  InterviewerDone: (e) => log(`${e.name} is done · ${e.clock}`),
  ProbesSkipped: (e) => log(e.none_asked ? "no time for follow-ups" : `${e.count} follow-up(s) skipped for time`),
  StoryReused: (e) => log(`you told the ${e.story} story again (${e.interviewers.join(", ")})`, "warn"),
  QuestionAsked: (e) => { $("heading").textContent = e.heading; $("question").textContent = e.text; },
  ProbeAsked: (e) => { $("heading").textContent = `Follow-up ${e.k}/${e.total}`; $("question").textContent = e.text; },
  Play: (e) => { if (gated) waiting = e; else play(e); },
  Listening: async (e) => {
    show("live");
    $("heard").textContent = ""; $("fillers").textContent = "";
    $("target").textContent = mmss(e.target_s);
    $("target").dataset.s = e.target_s;
    $("status").textContent = "recording: answer now";
    paused = false;
    document.querySelector('[data-action="pause"]').textContent = "pause";
    try { if (!mic) await openMic(); recording = true; }
    catch (err) { $("status").textContent = `the microphone could not be opened: ${err.message}`; }
  },
  StretchTranscribed: (e) => {
    $("heard").textContent = e.text;
    $("fillers").textContent = e.fillers.length
      ? "fillers heard: " + e.fillers.map((f) => `${f.word} at ${mmss(f.at)}`).join(", ") : "";
  },
  Recorded: (e) => { recording = false; closeMic(); $("status").textContent = `recorded ${mmss(e.duration_s)} (${e.stopped_by})`; },
  Transcribing: (e) => { if (!e.done) $("status").textContent = "transcribing and scoring…"; },
  AnswerScored: (e) => {
    if (kind.startsWith("loop")) { log(`answer scored: coverage ${Math.round(e.coverage * 100)}%`); return; }
    gated = true;
    show("after");
    const url = `/session/${e.session}`;
    $("report").src = e.answer ? `${url}?answer=${e.answer}` : url;
    $("summary").textContent = `${e.story ? "Story: " + e.story + " · " : ""}coverage ${Math.round(e.coverage * 100)}%` +
      (e.fix ? ` · fix first: ${e.fix}` : "");
    $("report-link").href = url;
  },
  SessionEnded: (e) => {
    gated = false;
    $("session-link").href = `/session/${e.session}`;
    if (kind.startsWith("loop")) {
      $("debrief-link").href = `/debrief/${e.session}`;
      $("debrief-link").hidden = false;
      $("ended-note").textContent = e.finished ? "The loop is over." : "The loop stopped: starting the loop again resumes it at its next question.";
    }
  },
  Failed: (e) => { log(e.text, "warn"); $("status").textContent = e.text; },
  Idle: () => { recording = false; closeMic(); if ($("after").hidden) show("ended"); else $("go-on").textContent = "Done"; },
};

function tick(t) {
  if (!t) return;
  $("elapsed").textContent = mmss(t.elapsed);
  $("clock").classList.toggle("over", t.elapsed > Number($("target").dataset.s || 1e9));
  $("level").value = Math.max(-80, t.level);
  $("mic-warning").hidden = !(t.elapsed >= 6 && t.speech === 0 && !t.paused);
  if (t.paused) $("status").textContent = "paused: the clock stands still";
}

async function poll() {
  // what happened before this page was opened is not replayed (an old report, an old question):
  // the server wrote where to start into the page
  since = Number($("pick").dataset.since || 0);
  if ($("pick").dataset.busy) offerStop("A session is running in another tab or window.");
  for (;;) {
    try {
      const r = await fetch(`/api/events?since=${since}`);
      if (r.status === 403) { $("status").textContent = "the room's token was refused: open the address serve printed"; return; }
      const data = await r.json();
      for (const e of data.events) { (handlers[e.type] || (() => {}))(e); }
      since = data.next;
      tick(data.tick);
    } catch (err) {
      await new Promise((ok) => setTimeout(ok, 1000));  // the server restarts or is gone
    }
  }
}

function offerStop(text) {
  const where = $("choose-error");
  where.textContent = text + " ";
  const stop = document.createElement("button");
  stop.type = "button";
  stop.textContent = "Stop it (its answers so far are kept)";
  stop.onclick = () => { act("quit"); where.textContent = "stopping…"; };
  where.append(stop);
}
function act(action) { post("/api/control", JSON.stringify({ action })); }

$("choose").addEventListener("submit", async (e) => {
  e.preventDefault();
  const f = new FormData($("choose"));
  await begin({ principles: [f.get("principle")], questions: [f.get("question")], story: f.get("story"),
                count: Number(f.get("count") || 1) });
});
if ($("loop-form")) $("loop-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const f = new FormData($("loop-form"));
  begin({ loop: f.get("loop"), interviewer: f.get("interviewer"), restart: f.get("restart") === "on" }, "/api/loop");
});
$("next").addEventListener("click", () => begin({ next: true, count: Number(new FormData($("choose")).get("count") || 1) }));
async function begin(body, url = "/api/start") {
  $("choose-error").textContent = "";
  const r = await post(url, JSON.stringify(body));
  if (!r.ok) {
    const p = await r.json();
    if (r.status === 409) offerStop(p.error);
    else $("choose-error").textContent = `${p.error}${p.fix ? " — " + p.fix : ""}`;
    return;
  }
  kind = (await r.json()).kind;
  gated = false;
  show("live");
  $("status").textContent = "getting the question ready";
}
$("go-on").addEventListener("click", () => {
  if ($("go-on").textContent === "Done") { show("ended"); return; }
  gated = false; show("live");
  if (waiting) { const w = waiting; waiting = null; play(w); }
});
let paused = false;
function pauseOrResume() {
  paused = !paused;
  act(paused ? "pause" : "resume");
  document.querySelector('[data-action="pause"]').textContent = paused ? "resume" : "pause";
}
for (const b of document.querySelectorAll("#keys button")) {
  b.addEventListener("click", () => (b.dataset.action === "pause" ? pauseOrResume() : act(b.dataset.action)));
}
document.addEventListener("keydown", (e) => {
  if ($("live").hidden || e.target.tagName === "INPUT" || e.target.tagName === "SELECT") return;
  const key = { Enter: "done", r: "restart", s: "skip", q: "quit" }[e.key];
  if (e.key === " ") { e.preventDefault(); pauseOrResume(); }
  else if (key) { e.preventDefault(); act(key); }
});
// the question list follows the principle chosen
document.querySelector("select[name=principle]").addEventListener("change", (e) => {
  const question = document.querySelector("select[name=question]");
  for (const o of question.options) o.hidden = Boolean(o.value && e.target.value && o.dataset.principle !== e.target.value);
  if (question.selectedOptions[0] && question.selectedOptions[0].hidden) question.value = "";
});
if (navigator.mediaDevices) fillDevices();
poll();
