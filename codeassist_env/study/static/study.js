// The participant's page: consent, the editor with ghost-text suggestions, tests, the preference question.
// All requests go through one queue, so the server sees them (and logs them) in the order they happened.
"use strict";

let participant = null;
let view = null;          // the server's last answer to /api/state (or an action that returns it)
let editor = null;
let ghost = null;         // {id, text, mark, pos} of the suggestion on screen
let typed = "";           // what the person typed since the last request that reported it
let generation = 0;       // bumped on every edit, to spot suggestions that come back too late
let pauseTimer = null;
let queue = Promise.resolve();

const $ = (id) => document.getElementById(id);

function status(text) { $("status").textContent = text || ""; }

function takeTyped() { const t = typed; typed = ""; return t; }

// POST in order; ``body`` is a function, evaluated when the request really goes out.
function post(path, body) {
  const sent = queue.then(async () => {
    const response = await fetch(path, {method: "POST", headers: {"Content-Type": "application/json"},
                                        body: JSON.stringify(Object.assign({participant}, body()))});
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error || response.statusText);
    return answer;
  });
  queue = sent.catch(() => {});
  return sent;
}

function show(section) {
  for (const id of ["consent", "work", "prefer", "done"]) $(id).hidden = id !== section;
}

function render(state) {
  view = state;
  if (state.stage === "solve") return renderProblem(state);
  clearGhost();
  show(state.stage === "prefer" ? "prefer" : "done");
  if (state.stage === "prefer") {
    for (const radio of document.querySelectorAll("input[name=choice]")) radio.checked = false;
    $("why").value = "";
  }
}

function renderProblem(state) {
  show("work");
  $("progress").textContent = `Problem ${state.done + 1} of ${state.total}`;
  $("label").textContent = state.solo ? `Assistant: ${state.label}` : `Assistant ${state.label}`;
  $("title").textContent = state.title;
  $("statement").innerHTML = state.statement_html;  // rendered and escaped by the server
  $("results").textContent = "";
  $("run").disabled = state.public_tests === 0;
  clearGhost();
  typed = "";
  if (!editor) {
    editor = CodeMirror($("editor"), {mode: "python", lineNumbers: true, indentUnit: 4, indentWithTabs: false,
      extraKeys: {Tab: onTab, Esc: onEscape}});
    editor.on("change", onChange);
    editor.on("cursorActivity", onCursor);
  }
  editor.setValue(state.code);
  editor.setCursor(editor.lineCount(), 0);
  editor.focus();
}

// ---- ghost text ---------------------------------------------------------------------------------
function clearGhost() {
  if (ghost) ghost.mark.clear();
  ghost = null;
}

function answerGhost(decision, how) {
  const shown = ghost;
  clearGhost();
  post("/api/decision", () => ({problem_id: view.problem_id, suggestion_id: shown.id, decision, how,
                                code: editor.getValue(), typed: takeTyped()}))
    .catch((e) => status(e.message));
  return shown;
}

function onTab(cm) {
  if (!ghost) {
    if (cm.somethingSelected()) cm.execCommand("indentMore"); else cm.execCommand("insertSoftTab");
    return;
  }
  const shown = answerGhost("accept", "tab");
  cm.replaceRange(shown.text, shown.pos, shown.pos, "accept");
}

function onEscape(cm) {
  if (!ghost) return CodeMirror.Pass;
  answerGhost("reject", "esc");
}

function onChange(cm, change) {
  if (change.origin === "setValue") return;
  generation += 1;
  if (change.origin !== "accept") {
    typed += change.text.join("\n");
    if (ghost) answerGhost("reject", "typing");
  }
  schedule();
}

function onCursor(cm) {
  if (!ghost) return;
  const at = cm.getCursor();
  if (at.line !== ghost.pos.line || at.ch !== ghost.pos.ch || cm.somethingSelected()) answerGhost("reject", "cursor");
}

function schedule() {
  clearTimeout(pauseTimer);
  pauseTimer = setTimeout(requestSuggestion, view.pause_ms);
}

function requestSuggestion() {
  if (ghost || !view || view.stage !== "solve" || editor.somethingSelected()) return;
  const asked = generation;
  const pos = editor.getCursor();
  const problem = view.problem_id;
  post("/api/suggest", () => ({problem_id: problem, prefix: editor.getRange({line: 0, ch: 0}, pos),
                               code: editor.getValue(), typed: takeTyped()}))
    .then((answer) => {
      if (!answer.text) return;
      const here = editor.getCursor();
      if (asked !== generation || view.problem_id !== problem || ghost || here.line !== pos.line || here.ch !== pos.ch) {
        post("/api/decision", () => ({problem_id: problem, suggestion_id: answer.suggestion_id,
                                      decision: "expired", how: "late", code: editor.getValue(), typed: takeTyped()}))
          .catch(() => {});
        return;
      }
      const widget = document.createElement("span");
      widget.className = "cm-ghost";
      widget.textContent = answer.text;
      ghost = {id: answer.suggestion_id, text: answer.text, pos,
               mark: editor.setBookmark(pos, {widget, insertLeft: true})};
    })
    .catch((e) => status(e.message));
}

// ---- buttons --------------------------------------------------------------------------------------
function resultsTable(answer) {
  const table = document.createElement("table");
  table.innerHTML = "<tr><th>#</th><th>result</th><th>input</th><th>expected</th><th>error output</th></tr>";
  answer.tests.forEach((t, i) => {
    const row = table.insertRow();
    const cells = [String(i + 1), t.status, t.input, t.expected, t.stderr];
    cells.forEach((text, j) => {
      const cell = row.insertCell();
      const pre = document.createElement("pre");
      pre.textContent = text;
      if (j === 1) pre.className = t.status === "passed" ? "passed" : "failed";
      cell.appendChild(pre);
    });
  });
  return table;
}

$("run").addEventListener("click", () => {
  status("");
  $("results").textContent = "Running the public tests...";
  post("/api/run", () => ({problem_id: view.problem_id, code: editor.getValue(), typed: takeTyped()}))
    .then((answer) => {
      $("results").textContent = `Public tests: ${answer.passed} of ${answer.total} passed`;
      $("results").appendChild(resultsTable(answer));
    })
    .catch((e) => { $("results").textContent = ""; status(e.message); });
});

$("submit").addEventListener("click", () => {
  status("");
  clearTimeout(pauseTimer);
  $("results").textContent = "Running the hidden tests...";
  post("/api/submit", () => ({problem_id: view.problem_id, code: editor.getValue(), typed: takeTyped()}))
    .then((answer) => {
      status("");
      return refresh().then(() => { $("notice").textContent = `Last problem: hidden tests ${answer.passed} of ${answer.total} passed.`; });
    })
    .catch((e) => status(e.message));
});

$("send-preference").addEventListener("click", () => {
  const picked = document.querySelector("input[name=choice]:checked");
  if (!picked) return status("Please choose Assistant A or Assistant B.");
  status("");
  post("/api/prefer", () => ({pair: view.pair, choice: picked.value, why: $("why").value}))
    .then(render).catch((e) => status(e.message));
});

$("start").addEventListener("click", () => {
  const code = $("code").value.trim();
  if (!code) return status("Please enter your participant code.");
  if (!$("agree").checked) return status("Please tick the box to agree before starting.");
  status("");
  participant = code;
  post("/api/join", () => ({consent: true})).then((state) => {
    sessionStorage.setItem("participant", code);
    render(state);
  }).catch((e) => { participant = null; status(e.message); });
});

async function refresh() {
  const response = await fetch(`/api/state?participant=${encodeURIComponent(participant)}`);
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error || response.statusText);
  render(answer);
}

(async function start() {
  const config = await (await fetch("/api/config")).json();
  if (config.solo) {
    participant = config.participant;
    $("hint").textContent += " (solo mode: nothing is blinded)";
    return post("/api/join", () => ({consent: true})).then(render).catch((e) => status(e.message));
  }
  participant = sessionStorage.getItem("participant");
  if (participant) return refresh().catch(() => { participant = null; show("consent"); });
  show("consent");
})();
